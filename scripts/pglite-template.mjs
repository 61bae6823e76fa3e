// Build step: a fresh embedded-database cluster, made once here so that a
// first `certibot` start copies it (schema included) instead of paying PGlite's initdb (about
// 850 MB of memory and seconds). Runs on the compiled modules in dist/.

import { CLUSTER_TEMPLATE } from "../dist/db/pglite-template.js";
import { buildTemplate } from "../dist/db/pglite-template-build.js";

const outcome = await buildTemplate();
console.log(`pglite-template: ${outcome} ${CLUSTER_TEMPLATE}`);
