/**
 * `torch.nn` as the root entry exports it: all of nn/index.ts, plus the exported names of its module
 * classes, recorded so that reprs print `Linear(...)` from a minified bundle (where the class may be
 * called `Xr`). Recording them references every class, so it lives here rather than in nn/index.ts:
 * a bundle pays for it only when it uses `torch.nn` (which keeps every member anyway: bundlers build the
 * whole namespace object once it is used), not when it imports single layers or no nn at all.
 * package.json's "sideEffects" leaves this file out for that reason (see test/browser/side_effects.ts).
 */
import { nameBuiltinModules } from "./module.ts";
// The namespace of this very file, so a bundle builds one `torch.nn` object, not a second for the names.
import * as self from "./namespace.ts";

export * from "./index.ts";

nameBuiltinModules(self);
