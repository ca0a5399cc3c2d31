// Baseline: the same request with plain fetch + JSON.parse, no validation, retries or typed errors.
export async function sendWithFetch(baseUrl, token, request) {
  const response = await fetch(`${baseUrl}/api/v1/threads/messages`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(request),
    redirect: "manual",
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return JSON.parse(text);
}
