// A front end's first calls, typed by the client openapi-typescript generates from
// openapi/openapi.json (src/api.d.ts, generated in CI): sign in, list workshops, register, read a
// platform. `tsc --strict` must accept it; a change of the contract that breaks it fails CI.
import createClient from "openapi-fetch";
import type { components, paths } from "./api";

type Workshop = components["schemas"]["WorkshopSummary"];
type Problem = components["schemas"]["Problem"];

const api = createClient<paths>({ baseUrl: "http://127.0.0.1:8080" });

function explain(problem: Problem): string {
  const fields = (problem.errors ?? []).map((e) => `${e.pointer}: ${e.message}`).join("; ");
  return `${problem.status} ${problem.code}: ${problem.detail}${fields ? ` (${fields})` : ""}`;
}

export async function signIn(email: string, password: string): Promise<string> {
  const { data, error } = await api.POST("/api/v1/auth/login", { body: { email, password } });
  if (error) throw new Error(explain(error));
  return data.access_token;
}

export async function upcoming(platformId: number, cursor?: string): Promise<Workshop[]> {
  const query: paths["/api/v1/workshops"]["get"]["parameters"]["query"] = {
    platform_id: platformId,
    limit: 20,
    status: "scheduled",
  };
  if (cursor !== undefined) query.cursor = cursor;
  const { data, error } = await api.GET("/api/v1/workshops", { params: { query } });
  if (error) throw new Error(explain(error));
  return data.items;
}

export async function registerFor(token: string, workshopId: number): Promise<string> {
  const { data, error, response } = await api.POST("/api/v1/workshops/{id}/registrations", {
    params: { path: { id: workshopId } },
    headers: { Authorization: `Bearer ${token}` },
    body: {},
  });
  if (error) {
    // Codes a front end tells apart.
    if (error.code === "already_registered") return "already registered";
    if (error.code === "registration_closed") return "closed";
    throw new Error(explain(error));
  }
  if (response.status !== 201) throw new Error(`unexpected ${response.status}`);
  return data.status === "waitlisted" ? `waitlisted at ${data.waitlist_position ?? "?"}` : data.status;
}

export async function platformName(id: number, lang: "ar" | "en"): Promise<string> {
  const { data, error } = await api.GET("/api/v1/platforms/{id}", { params: { path: { id } } });
  if (error) throw new Error(explain(error));
  return lang === "ar" ? data.name.ar : data.name.en || data.name.ar;
}

export function startsLocally(w: Workshop): string {
  return `${w.local.starts_at} (${w.time_zone})`;
}
