import type { CliContext } from "./context.js";

/** What a command's handler gets once commander has read the command line. */
export interface CommandInput {
  /** Positional arguments, in order (a variadic one spread). */
  args: string[];
  /** Options by commander's camelCase name (`--prairie-end` → `prairieEnd`). */
  opts: Record<string, string | boolean | undefined>;
}

export type Handler = (input: CommandInput, ctx: CliContext) => Promise<number>;

export interface OptionSpec {
  /** Commander syntax: `--json`, `--days <n>`. */
  flags: string;
  description: string;
  default?: string;
}

/**
 * One command of the tree. Everything the help shows and the parser accepts is
 * declared here, in one place per command; handlers only receive what was read.
 */
export interface CommandSpec {
  name: string;
  /** One line: the purpose shown in lists and at the top of the command's help. */
  summary: string;
  aliases?: string[];
  hidden?: boolean;
  /** Commander syntax: `<fichier>`, `[question...]`. */
  args?: Array<{ name: string; description: string }>;
  options?: OptionSpec[];
  /** Environment variables that change what the command does. */
  env?: string[];
  examples?: string[];
  /** Extra help text, after the examples. */
  notes?: string;
  /** The one-line usage a mistyped call is answered with (exit 2). */
  usage: string;
  /** Loaded on use: `ask` must not pay for Bolt, PGlite or pg at start. */
  run?: () => Promise<Handler>;
  subcommands?: CommandSpec[];
}

const JSON_OPTION: OptionSpec = { flags: "--json", description: "sortie JSON (une ligne) au lieu du texte" };

const KNOWLEDGE_USAGE =
  "usage : certibot knowledge add|list|show|remove … (certibot knowledge --help : les options)";
const JOBS_USAGE = "usage : certibot jobs list [--json] | certibot jobs run <tâche> [--at <date ISO>]";
const PRIVACY_USAGE =
  "usage : certibot privacy forget-user <identifiant Slack, ex. U012ABCDEF> | certibot privacy export <identifiant Slack>";
export const PLAN_USAGE =
  "usage : certibot session plan [--json] --launch AAAA-MM-JJ --prairie-end AAAA-MM-JJ --session-start AAAA-MM-JJ --session-end AAAA-MM-JJ";
export const ROSTER_USAGE = "usage : certibot session roster [--json] --agate <code> <fichier.csv>";
export const REPORT_USAGE = "usage : certibot session report <session> --out <fichier.png>";
const SESSION_USAGE = "usage : certibot session <sous-commande> … (certibot session --help : la liste)";

const LLM_ENV = ["OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "OPENAI_EMBEDDINGS_MODEL"];
const STORE_ENV = ["CERTIBOT_DATA_DIR", "DATABASE_URL"];

const knowledge = async () => import("./commands/knowledge-command.js");
const session = async () => import("./commands/session-command.js");
const jobs = async () => import("./commands/jobs-command.js");
const privacy = async () => import("./commands/privacy-command.js");

/** The `/session` subcommands, run from the terminal as an administrator. */
function slackSession(
  name: string,
  summary: string,
  args: string,
  examples: string[],
  aliases: string[] = [],
): CommandSpec {
  return {
    name,
    aliases,
    summary,
    args: [{ name: "[mots...]", description: args }],
    options: [JSON_OPTION],
    env: STORE_ENV,
    examples,
    usage: `usage : certibot session ${name} ${args}`,
    run: async () => (await session()).slackSessionHandler(name),
  };
}

export const COMMAND_TREE: CommandSpec[] = [
  {
    name: "ask",
    summary:
      "répond à une question sur les référentiels (sans question : lit stdin, une par ligne, avec --json)",
    args: [{ name: "[question...]", description: "la question, en français ou en anglais" }],
    options: [JSON_OPTION],
    env: ["CERTIBOT_DEFAULT_REFERENTIAL", "CERTIBOT_LLM_DISABLED", ...LLM_ENV, "CERTIBOT_DATA_DIR"],
    examples: [
      'certibot ask "Que demande la compétence C12 ?"',
      'printf "C12\\nC13\\n" | certibot ask --json',
    ],
    usage: 'usage : certibot ask [--json] "votre question"',
    run: async () => (await import("./commands/ask-command.js")).askCommand,
  },
  {
    name: "check-report",
    summary: "vérifie un rapport PDF/DOCX : pages, sections attendues, comme dans Slack",
    args: [{ name: "<fichier>", description: "le rapport, .pdf ou .docx" }],
    options: [
      JSON_OPTION,
      {
        flags: "--deliverable <livrable>",
        description: "le livrable (id, « e3 », « chef d'oeuvre », « mémoire »…) ; deviné sinon",
      },
      {
        flags: "--referential <id>",
        description:
          "le référentiel dont l'épreuve est tirée (ex. rncp37827) : ajoute la couverture des compétences",
      },
      {
        flags: "--epreuve <code>",
        description:
          "l'épreuve (E1, E3…) dont les compétences sont cherchées ; lue sur la page de titre sinon",
      },
    ],
    env: ["CERTIBOT_REPORT_MAX_MB", "CERTIBOT_REPORT_TIMEOUT_MS"],
    examples: [
      "certibot check-report --deliverable e3 rapport.pdf",
      "certibot check-report --json memoire.docx",
      "certibot check-report --json --referential rncp37827 --epreuve E3 rapport.docx",
    ],
    notes: "Sort en 0 que le rapport soit conforme ou non ; un fichier illisible sort en 2.",
    usage:
      "usage : certibot check-report [--json] [--deliverable <id|e3|chef d'oeuvre|mémoire…>] [--referential <id>] [--epreuve <E1|E3|…>] <fichier.pdf|fichier.docx>",
    run: async () => (await import("./commands/check-report-command.js")).checkReportCommand,
  },
  {
    name: "knowledge",
    summary: "les documents dont certibot tire ses réponses : ajout, liste, ce qui en a été compris, retrait",
    usage: KNOWLEDGE_USAGE,
    examples: ["certibot knowledge list", "certibot knowledge add --rncp RNCP12345 referentiel.pdf"],
    subcommands: [
      {
        name: "add",
        summary: "indexe un référentiel ou un guide (PDF, DOCX, Markdown, texte)",
        args: [{ name: "<fichier>", description: "le document" }],
        options: [
          { flags: "--id <id>", description: "identifiant (déduit du titre sinon)" },
          { flags: "--title <titre>", description: "titre (lu dans le document sinon)" },
          { flags: "--certification <nom>", description: "la certification dont il relève" },
          { flags: "--rncp <code>", description: "code RNCP du titre, ex. RNCP37827" },
          { flags: "--aliases <a,b>", description: "autres noms du titre, séparés par des virgules" },
          { flags: "--replace", description: "remplace un document ajouté de même identifiant" },
        ],
        env: STORE_ENV,
        examples: [
          'certibot knowledge add --title "Développeur web" --rncp RNCP37674 referentiel.pdf',
          "certibot knowledge add --id cda --replace cda.docx",
        ],
        usage:
          'usage : certibot knowledge add [--id ID] [--title TITRE] [--certification NOM] [--rncp RNCPxxxxx] [--aliases "a,b"] [--replace] FICHIER',
        run: async () => (await knowledge()).addHandler,
      },
      {
        name: "list",
        summary: "les documents indexés et leurs enregistrements",
        options: [JSON_OPTION],
        env: STORE_ENV,
        examples: ["certibot knowledge list", "certibot knowledge list --json"],
        usage: "usage : certibot knowledge list [--json]",
        run: async () => (await knowledge()).listHandler,
      },
      {
        name: "show",
        summary: "ce que certibot a compris d'un document : titres, codes, critères",
        args: [{ name: "<id>", description: "identifiant (voir certibot knowledge list)" }],
        options: [
          JSON_OPTION,
          { flags: "--records", description: "liste chaque enregistrement indexé (code, titre, critères)" },
        ],
        env: STORE_ENV,
        examples: ["certibot knowledge show rncp37827", "certibot knowledge show cda-reac --records"],
        usage: "usage : certibot knowledge show ID [--records] [--json]",
        run: async () => (await knowledge()).showHandler,
      },
      {
        name: "remove",
        summary: "retire un document ajouté (pas ceux livrés avec certibot)",
        args: [{ name: "<id>", description: "identifiant" }],
        env: STORE_ENV,
        examples: ["certibot knowledge remove cda"],
        usage: "usage : certibot knowledge remove ID",
        run: async () => (await knowledge()).removeHandler,
      },
    ],
  },
  {
    name: "index",
    summary: "(re)construit l'index des référentiels et affiche ce qu'il contient",
    env: ["CERTIBOT_DATA_DIR", "CERTIBOT_EMBEDDER", "OPENAI_EMBEDDINGS_MODEL"],
    examples: ["certibot index"],
    usage: "certibot index ne prend pas d'argument",
    run: async () => (await import("./commands/index-command.js")).indexCommand,
  },
  {
    name: "session",
    summary: "sessions de certification : les commandes session de Slack, plus deux calculs sans base",
    usage: SESSION_USAGE,
    examples: ["certibot session status dev-ia-2023", "certibot session help"],
    subcommands: [
      {
        name: "plan",
        summary: "échéances d'un calendrier de session (sans base)",
        options: [
          JSON_OPTION,
          { flags: "--launch <date>", description: "lancement, AAAA-MM-JJ" },
          { flags: "--prairie-end <date>", description: "fin de la prairie, AAAA-MM-JJ" },
          { flags: "--session-start <date>", description: "début de la session d'examen, AAAA-MM-JJ" },
          { flags: "--session-end <date>", description: "fin de la session d'examen, AAAA-MM-JJ" },
          {
            flags: "--reports-lead <jours>",
            description: "avance du dépôt des rapports, 0 à 60",
            default: "1",
          },
        ],
        examples: [
          "certibot session plan --launch 2023-10-02 --prairie-end 2024-01-05 --session-start 2025-05-05 --session-end 2025-05-09",
        ],
        usage: PLAN_USAGE,
        run: async () => (await session()).planHandler,
      },
      {
        name: "roster",
        aliases: ["candidats"],
        summary: "candidats et identifiants PV ; import d'un CSV ; avec --agate, un CSV lu sans base",
        args: [
          { name: "[mots...]", description: "[session] | import <fichier.csv> [session=<nom>] | remove …" },
        ],
        options: [JSON_OPTION, { flags: "--agate <code>", description: "code agate : lit un CSV sans base" }],
        env: STORE_ENV,
        examples: [
          "certibot session roster import promo.csv session=dev-ia-2023",
          "certibot session roster --json --agate 3006 promo.csv",
        ],
        usage: "usage : certibot session roster [session] | roster import <fichier.csv> [session=<nom>]",
        run: async () => (await session()).rosterHandler,
      },
      {
        name: "report",
        summary: "la session en une image PNG, sa description texte sur la sortie",
        args: [{ name: "<session>", description: "nom de la session" }],
        options: [{ flags: "--out <fichier.png>", description: "où écrire l'image (requis)" }],
        env: STORE_ENV,
        examples: ["certibot session report dev-ia-2023 --out session.png"],
        usage: REPORT_USAGE,
        run: async () => (await session()).reportHandler,
      },
      slackSession(
        "status",
        "jalons, échéances, effectifs, rapports, jury, veille",
        "[session]",
        ["certibot session status dev-ia-2023", "certibot session status --json"],
        ["statut", "etat"],
      ),
      slackSession("list", "les sessions", "", ["certibot session list"], ["liste"]),
      slackSession(
        "create",
        "crée une session",
        "<nom> [réglages]",
        ["certibot session create dev-ia-2023 agate=3006 lancement=2023-10-02 fin-prairie=2024-01-05"],
        ["creer"],
      ),
      slackSession(
        "set",
        "change les réglages d'une session",
        "[session=<nom>] <réglages>",
        ["certibot session set session=dev-ia-2023 debut-session=2025-05-05"],
        ["regler"],
      ),
      slackSession(
        "done",
        "marque une échéance comme faite",
        "<échéance> [session=<nom>]",
        ["certibot session done s1-trainers"],
        ["fait"],
      ),
      slackSession("jury", "jury et vérification", '[add|remove] <"Prénom Nom"> [annees=5] [pro=non]', [
        'certibot session jury add "Ada Lovelace" annees=8',
      ]),
      slackSession(
        "member",
        "ajoute ou retire un membre de la session",
        "add|remove <@personne> <rôle>",
        ["certibot session member add U012ABCDEF formateur"],
        ["membre"],
      ),
      slackSession(
        "decision",
        "décision du jury pour un candidat",
        '<identifiant PV | "Prénom Nom"> admis|refusé|absent [commentaire]',
        ["certibot session decision 3006-AJ-01 admis"],
        ["decider"],
      ),
      slackSession("pv", "PV du jury (parties 1 et 2) en Markdown et CSV", "[session]", [
        "certibot session pv dev-ia-2023",
      ]),
    ],
  },
  {
    name: "stats",
    summary: "usage : questions par jour, codes, questions sans réponse, avis, latence",
    options: [{ flags: "--days <n>", description: "nombre de jours", default: "30" }, JSON_OPTION],
    env: STORE_ENV,
    examples: ["certibot stats", "certibot stats --days 7 --json"],
    usage: "usage : certibot stats [--days N] [--json]",
    run: async () => (await import("./commands/stats-command.js")).statsCommand,
  },
  {
    name: "privacy",
    summary: "RGPD : efface ou exporte tout ce qui est conservé sur un utilisateur Slack",
    usage: PRIVACY_USAGE,
    examples: ["certibot privacy export U012ABCDEF"],
    subcommands: [
      {
        name: "forget-user",
        summary: "efface tout ce qui est conservé sur un utilisateur Slack (droit à l'effacement)",
        args: [{ name: "<id>", description: "identifiant Slack, ex. U012ABCDEF" }],
        env: STORE_ENV,
        examples: ["certibot privacy forget-user U012ABCDEF"],
        usage: PRIVACY_USAGE,
        run: async () => (await privacy()).forgetUserHandler,
      },
      {
        name: "export",
        summary: "ses données en JSON (droit d'accès)",
        args: [{ name: "<id>", description: "identifiant Slack, ex. U012ABCDEF" }],
        env: STORE_ENV,
        examples: ["certibot privacy export U012ABCDEF > U012ABCDEF.json"],
        usage: PRIVACY_USAGE,
        run: async () => (await privacy()).exportHandler,
      },
    ],
  },
  {
    name: "serve",
    summary: "lance le bot Slack (npm start), jusqu'à SIGINT/SIGTERM",
    env: ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "PORT", "METRICS_PORT", ...STORE_ENV],
    examples: ["certibot serve", "npm start"],
    notes: "Sans jeton Slack, explique la configuration et sort en 1.",
    usage: "certibot serve ne prend pas d'argument",
    run: async () => (await import("./commands/serve-command.js")).serveCommand,
  },
  {
    name: "db",
    summary: "la base de données : mise à jour du schéma",
    usage: "usage : certibot db migrate",
    examples: ["certibot db migrate"],
    subcommands: [
      {
        name: "migrate",
        summary: "met le schéma de la base à jour (fait aussi à chaque démarrage)",
        env: STORE_ENV,
        examples: ["certibot db migrate", "DATABASE_URL=postgres://certibot@db/certibot certibot db migrate"],
        usage: "usage : certibot db migrate",
        run: async () => (await import("./commands/db-command.js")).dbCommand,
      },
    ],
  },
  {
    name: "jobs",
    summary: "tâches planifiées : prochaine exécution, dernier résultat, rattrapage à la main",
    usage: JOBS_USAGE,
    examples: ["certibot jobs list"],
    subcommands: [
      {
        name: "list",
        summary: "les tâches, leur prochaine exécution et leur dernier résultat",
        options: [JSON_OPTION],
        env: STORE_ENV,
        examples: ["certibot jobs list", "certibot jobs list --json"],
        usage: JOBS_USAGE,
        run: async () => (await jobs()).listHandler,
      },
      {
        name: "run",
        summary: "exécute une occurrence à la main (rattrapage) ; sans effet si elle est déjà faite",
        args: [{ name: "<tâche>", description: "nom de la tâche (voir certibot jobs list)" }],
        options: [
          {
            flags: "--at <date>",
            description: "l'occurrence, date ISO 8601 (heure de la tâche, ou Z) ; maintenant par défaut",
          },
        ],
        env: ["SLACK_BOT_TOKEN", "SLACK_API_URL", ...STORE_ENV],
        examples: ["certibot jobs run retention", "certibot jobs run session-alerts --at 2026-06-02T09:00"],
        usage: JOBS_USAGE,
        run: async () => (await jobs()).runHandler,
      },
    ],
  },
  {
    name: "completion",
    summary: "script de complétion des commandes pour bash ou zsh",
    args: [{ name: "[shell]", description: "bash (défaut) ou zsh" }],
    examples: ["certibot completion bash >> ~/.bashrc", "certibot completion zsh >> ~/.zshrc"],
    usage: "usage : certibot completion [bash|zsh]",
    run: async () => (await import("./completion.js")).completionHandler,
  },
  {
    name: "version",
    hidden: true,
    summary: "affiche la version",
    usage: "usage : certibot version",
    run: async () => (await import("./version.js")).versionHandler,
  },
];
