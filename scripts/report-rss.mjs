// Preloaded into a measured child (node --import): prints its peak RSS on
// stderr as it exits, so benchmarks get a process's own peak portably.
import { writeSync } from "node:fs";

process.on("exit", () => {
  writeSync(2, `\nbench-peak-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
