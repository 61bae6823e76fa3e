import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Config, loadConfig, PACKAGE_ROOT } from "../../src/config.js";

export const KNOWLEDGE_DIR = join(PACKAGE_ROOT, "knowledge");

export async function tempDir(
  prefix = "certibot-test-",
): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** A Config for tests: offline defaults, a private data dir, overrides on top. */
export function testConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({ CERTIBOT_DATA_DIR: dataDir, CERTIBOT_KNOWLEDGE_DIR: KNOWLEDGE_DIR, ...env });
}
