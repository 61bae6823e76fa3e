import { CertibotError } from "../errors.js";

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

/**
 * Minimal argv parser: `--flag`, `--key value`, `--key=value`, positionals.
 * Flags not listed are usage errors, so a typo never silently changes behaviour.
 */
export function parseArgs(argv: string[], spec: { booleans?: string[]; values?: string[] }): ParsedArgs {
  const booleans = new Set(spec.booleans ?? []);
  const values = new Set(spec.values ?? []);
  const flags = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("--") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (booleans.has(name)) {
      if (inline !== undefined) throw usage(`--${name} ne prend pas de valeur`);
      flags.set(name, true);
    } else if (values.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith("--")))
        throw usage(`--${name} attend une valeur`);
      flags.set(name, value);
    } else {
      throw usage(`option inconnue --${name}`);
    }
  }
  return { positionals, flags };
}

export function usage(hint: string): CertibotError {
  return new CertibotError("USAGE", { hint });
}
