/**
 * A JSON POST that reports how much of its body has been sent. `fetch` tells nothing until the
 * answer comes; XMLHttpRequest's `upload.onprogress` does, which is what a person waiting on a
 * few megabytes of customers wants to see.
 */

export interface Upload {
  url: string;
  token: string;
  body: string;
  headers?: Record<string, string>;
  /** Bytes sent so far, of all. */
  onProgress?: (sent: number, total: number) => void;
  /** Every byte is sent: the server is working on it now. */
  onSent?: () => void;
}

/** The answer's status and its JSON body (undefined when it had none), or undefined: no answer. */
export interface UploadAnswer {
  status: number;
  body: unknown;
}

export function postWithProgress(upload: Upload): Promise<UploadAnswer | undefined> {
  return new Promise((resolve) => {
    const request = new XMLHttpRequest();
    request.open('POST', upload.url);
    request.setRequestHeader('Authorization', `Bearer ${upload.token}`);
    request.setRequestHeader('Content-Type', 'application/json');
    for (const [name, value] of Object.entries(upload.headers ?? {})) {
      request.setRequestHeader(name, value);
    }
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) upload.onProgress?.(event.loaded, event.total);
    };
    request.upload.onload = () => upload.onSent?.();
    request.onload = () => {
      let body: unknown;
      try {
        body = request.responseText === '' ? undefined : JSON.parse(request.responseText);
      } catch {
        body = undefined;
      }
      resolve({ status: request.status, body });
    };
    request.onerror = () => resolve(undefined);
    request.onabort = () => resolve(undefined);
    request.send(upload.body);
  });
}
