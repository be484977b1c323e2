/**
 * A notebook's bytes between the Contents API (base64, which keeps every
 * byte) and the service (the bytes themselves), and the name a copy gets.
 */

/** Jupyter's base64 comes in lines of 76 characters; `atob` wants none. */
export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64.replace(/\s+/g, ''));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    bytes[i] = binary.charCodeAt(i);
  }
  return bytes;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunks: spreading megabytes into one call would overflow the stack.
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/** The file name at the end of a Contents path. */
export function baseName(path: string): string {
  return path.split('/').pop() ?? path;
}

/**
 * Names for a copy of version `version` of `name`, in the order tried:
 * `qc-v3.ipynb`, `qc-v3-2.ipynb`, ... The first that does not exist wins.
 */
export function copyNames(name: string, version: number, tries = 50): string[] {
  const stem = name.replace(/\.ipynb$/i, '');
  const names = [`${stem}-v${version}.ipynb`];
  for (let n = 2; n <= tries; n++) {
    names.push(`${stem}-v${version}-${n}.ipynb`);
  }
  return names;
}
