/**
 * One multipart upload through the service: start it, send its parts a few
 * at a time, complete it; abort it on the first failure so no half-written
 * object and no orphaned parts stay behind.
 */
import type { PrismApi } from '../api';

/** Parts in flight at once: enough to fill the pipe, few enough for a laptop's uplink. */
const PARTS_AT_ONCE = 3;

/**
 * Upload `file` to `path` in `dataset`, calling `onProgress` with the bytes
 * sent so far after each part.
 *
 * @throws {PrismRequestError} the first failure, after the upload was aborted.
 */
export async function uploadFile(
  api: PrismApi,
  dataset: string,
  path: string,
  file: Blob,
  onProgress: (sent: number) => void
): Promise<void> {
  const upload = await api.startUpload(dataset, {
    path,
    size: file.size,
    contentType: file.type || undefined
  });
  const etags: { part: number; etag: string }[] = [];
  let sent = 0;
  let next = 1;
  let failed = false;
  const sendParts = async (): Promise<void> => {
    while (!failed && next <= upload.parts) {
      const part = next++;
      const start = (part - 1) * upload.partSize;
      const bytes = file.slice(start, Math.min(start + upload.partSize, file.size));
      try {
        const { etag } = await api.uploadPart(dataset, upload.id, part, bytes);
        etags.push({ part, etag });
      } catch (reason) {
        failed = true;
        throw reason;
      }
      sent += bytes.size;
      onProgress(sent);
    }
  };
  try {
    const senders = Array.from({ length: Math.min(PARTS_AT_ONCE, upload.parts) }, sendParts);
    // Parts still in flight finish before the abort, so none lands after it.
    const failure = (await Promise.allSettled(senders)).find(
      (r): r is PromiseRejectedResult => r.status === 'rejected'
    );
    if (failure) {
      throw failure.reason;
    }
    etags.sort((a, b) => a.part - b.part);
    await api.completeUpload(dataset, upload.id, etags);
  } catch (reason) {
    // The first problem is the one worth showing; a failed abort adds nothing.
    await api.abortUpload(dataset, upload.id).catch(() => undefined);
    throw reason;
  }
}
