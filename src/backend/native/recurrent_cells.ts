/** The addon's fused recurrent cell steps as the optional kernel "recurrentCells" (src/backend/recurrent_cells.ts). */
import type { RecurrentCells } from "../recurrent_cells.ts";
import type { NativeAddon } from "./loader.ts";

/** null when the addon predates native/addon_recurrent.cc. */
export function nativeRecurrentCells(addon: NativeAddon): RecurrentCells | null {
  const { lstmCellForward, lstmCellBackward, gruCellForward, gruCellBackward, rnnCellForward, rnnCellBackward } = addon;
  if (!lstmCellForward || !lstmCellBackward || !gruCellForward || !gruCellBackward || !rnnCellForward || !rnnCellBackward) return null;
  return {
    lstmForward: lstmCellForward.bind(addon),
    lstmBackward: lstmCellBackward.bind(addon),
    gruForward: gruCellForward.bind(addon),
    gruBackward: gruCellBackward.bind(addon),
    rnnForward: rnnCellForward.bind(addon),
    rnnBackward: rnnCellBackward.bind(addon),
  };
}
