// A front end's upload and download, typed by the client openapi-typescript generates and run
// against the live server in CI (compiled by tsc, run by Node): sign in, attach a guide to a
// platform as a multipart form under an Arabic name, list the platform's guides, read the guide
// back whole and by range. Usage: node files.js BASE_URL EMAIL PASSWORD
import createClient from "openapi-fetch";
import type { components, paths } from "./api";

declare const process: { argv: string[]; exitCode?: number };

type Problem = components["schemas"]["Problem"];
type UploadForm = components["schemas"]["FileUploadForm"];

function fail(what: string, problem?: Problem): never {
  throw new Error(problem ? `${what}: ${problem.status} ${problem.code}: ${problem.detail}` : what);
}

async function main(base: string, email: string, password: string): Promise<void> {
  const api = createClient<paths>({ baseUrl: base });
  const login = await api.POST("/api/v1/auth/login", { body: { email, password } });
  if (login.error) fail("sign-in", login.error);
  const headers = { Authorization: `Bearer ${login.data.access_token}` };
  const platforms = await api.GET("/api/v1/platforms", { params: { query: { limit: 5 } } });
  if (platforms.error) fail("platforms", platforms.error);
  const platform = platforms.data.items[0] ?? fail("no platform");

  const name = "دليل الأمانة العامة.pdf";
  const pdf = new TextEncoder().encode(`%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n${"y".repeat(3000)}\n%%EOF\n`);
  const form: UploadForm = { file: name, title_ar: "دليل", title_en: "Guide" };
  const uploaded = await api.POST("/api/v1/platforms/{id}/guides", {
    params: { path: { id: platform.id } },
    headers,
    body: form,
    // The form's `file` part carries the bytes; the document types it as a string (binary).
    bodySerializer(body: UploadForm) {
      const fd = new FormData();
      fd.append("file", new Blob([pdf], { type: "application/pdf" }), body.file);
      if (body.title_ar !== undefined) fd.append("title_ar", body.title_ar);
      if (body.title_en !== undefined) fd.append("title_en", body.title_en);
      return fd;
    },
  });
  if (uploaded.error) fail("upload", uploaded.error);
  const file = uploaded.data;
  if (file.name !== name || file.purpose !== "guide" || file.guide_platform_id !== platform.id) {
    fail(`uploaded as ${JSON.stringify(file)}`);
  }
  if (file.size !== pdf.length) fail(`size ${file.size}, sent ${pdf.length}`);

  const guides = await api.GET("/api/v1/platforms/{id}/guides", {
    params: { path: { id: platform.id }, query: { limit: 100 } },
  });
  if (guides.error) fail("guides", guides.error);
  if (!guides.data.items.some((g) => g.id === file.id)) fail("the guide is not listed");

  const whole = await api.GET("/api/v1/files/{id}/content", {
    params: { path: { id: file.id } },
    parseAs: "arrayBuffer",
  });
  if (whole.error || whole.response.status !== 200) fail(`whole: ${whole.response.status}`);
  const got = new Uint8Array(whole.data);
  if (got.length !== pdf.length || got.some((b, i) => b !== pdf[i])) fail("read back other bytes");
  const part = await api.GET("/api/v1/files/{id}/content", {
    params: { path: { id: file.id }, header: { Range: "bytes=9-44" } },
    parseAs: "arrayBuffer",
  });
  if (part.error || part.response.status !== 206) fail(`range: ${part.response.status}`);
  const piece = new Uint8Array(part.data);
  if (piece.length !== 36 || piece.some((b, i) => b !== pdf[9 + i])) fail("the range is other bytes");
  console.log(`openapi-typescript client: guide ${file.id} uploaded to ${platform.slug} and read back`);
}

const [base, email, password] = process.argv.slice(2);
if (!base || !email || !password) throw new Error("usage: files.js BASE_URL EMAIL PASSWORD");
main(base, email, password).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
