export function assembleWithinRadius(): Promise<Uint8Array>;
export function withinRadiusModuleText(bytes: Uint8Array): string;
