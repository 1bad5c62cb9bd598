// Verifies a check-in ticket as a coordinator's app would, offline, with the `jose` library
// (npm) and the published JWK Set, and nothing of the API's code.
//
// Usage: TICKET_VERIFIER_NODE_DIR=<folder with node_modules/jose> node verify.mjs KEYS_JSON TICKET SCANNED_AT_UNIX
// Prints the ticket's claims as JSON when it verifies and the scan is within its validity;
// exits 1 with the reason otherwise.
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [keys, ticket, scannedAt] = process.argv.slice(2);
const require = createRequire(path.join(process.env.TICKET_VERIFIER_NODE_DIR, "package.json"));
const jose = await import(pathToFileURL(require.resolve("jose")).href);

try {
  const { payload, protectedHeader } = await jose.jwtVerify(
    ticket,
    jose.createLocalJWKSet(JSON.parse(keys)),
    {
      algorithms: ["EdDSA"],
      currentDate: new Date(Number(scannedAt) * 1000),
      requiredClaims: ["nbf", "exp"],
    },
  );
  if (protectedHeader.kid === undefined) throw new Error("no kid");
  console.log(JSON.stringify(payload));
} catch (e) {
  console.log(e.code ?? e.message);
  process.exit(1);
}
