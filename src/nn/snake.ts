/** A camelCase property name as PyTorch's snake_case (inProjWeight -> in_proj_weight), for state-dict keys and messages. */
export const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
