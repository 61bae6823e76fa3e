import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PACKAGE_ROOT } from "../../src/config.js";
import { ACTION_IDS } from "../../src/slack/listeners/actions/index.js";
import { LISTENED } from "../../src/slack/listeners/index.js";
import { PRIVACY_ACTIONS } from "../../src/slack/privacy.js";
import { ACTIONS } from "../../src/slack/views/answer-blocks.js";
import { SUGGESTED_PROMPTS } from "../../src/slack/views/home-view.js";
import { REPORT_ACTIONS } from "../../src/slack/views/report-blocks.js";
import { SESSION_ACTIONS } from "../../src/slack/views/session-blocks.js";
import { VEILLE_ACTIONS } from "../../src/slack/views/veille-blocks.js";

interface Manifest {
  features: {
    app_home: { home_tab_enabled: boolean; messages_tab_enabled: boolean };
    agent_view: { agent_description: string; suggested_prompts: { title: string; message: string }[] };
    slash_commands: { command: string }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { bot_events: string[] };
    interactivity: { is_enabled: boolean };
    socket_mode_enabled: boolean;
  };
}

const manifest = parse(await readFile(join(PACKAGE_ROOT, "manifest.yml"), "utf8")) as Manifest;

describe("manifest.yml", () => {
  it("declares exactly the slash commands the code registers", () => {
    expect(manifest.features.slash_commands.map((c) => c.command).sort()).toEqual(
      [...LISTENED.commands].sort(),
    );
  });

  it("subscribes to exactly the events the code listens to", () => {
    // message.im / message.channels / message.groups all arrive as "message".
    const events = new Set(
      manifest.settings.event_subscriptions.bot_events.map((e) => e.replace(/^message\..*/, "message")),
    );
    expect([...events].sort()).toEqual([...LISTENED.events].sort());
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(["message.im", "message.channels", "message.groups"]),
    );
  });

  it("handles every action id the views build, and builds no other", () => {
    expect([...ACTION_IDS].sort()).toEqual(
      [
        ...Object.values(ACTIONS),
        ...Object.values(REPORT_ACTIONS),
        ...Object.values(SESSION_ACTIONS),
        ...Object.values(VEILLE_ACTIONS),
        ...Object.values(PRIVACY_ACTIONS),
      ].sort(),
    );
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });

  it("has the Home and Messages tabs, agent view with the code's suggested prompts, Socket Mode on", () => {
    expect(manifest.features.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
    expect(manifest.features.agent_view.agent_description.length).toBeGreaterThan(20);
    expect(manifest.features.agent_view.suggested_prompts).toEqual(SUGGESTED_PROMPTS.map((p) => ({ ...p })));
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });

  it("asks for the bot scopes it needs (files:read is for /rapport reports, files:write sends my-data and the session picture, users:read.email links rosters)", () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      [
        "app_mentions:read",
        "assistant:write",
        "channels:history",
        "chat:write",
        "commands",
        "files:read",
        "files:write",
        "groups:history",
        "im:history",
        "im:read",
        "im:write",
        "reactions:write",
        "users:read",
        "users:read.email",
      ].sort(),
    );
  });
});
