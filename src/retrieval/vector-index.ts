import { readFile } from "node:fs/promises";

/** A JSON file of the saved index, or null when it is missing or unreadable (then the index is rebuilt). */
export async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch {
    return null;
  }
}
