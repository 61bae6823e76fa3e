// Preloaded into a measured child (node --import): prints its peak RSS on
// stderr as it exits, so benchmarks get a process's own peak portably.
import { writeSync } from "node:fs";

process.on("exit", () => {
  const u = process.resourceUsage();
  writeSync(
    2,
    `\nbench-peak-rss-kb ${u.maxRSS} cpu-ms ${Math.round((u.userCPUTime + u.systemCPUTime) / 1000)}\n`,
  );
});
