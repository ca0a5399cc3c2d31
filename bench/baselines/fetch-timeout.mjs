// Reference: plain fetch + JSON.parse plus the cheapest timeout that cancels the fetch itself
// (what the package does for every attempt): one AbortController and one timer per request, as
// ky and the OpenAI client do. Next to `fetch`, it shows what a cancellable timeout alone
// costs in a runtime, apart from any library's own work.
export async function sendWithFetchTimeout(baseUrl, token, request, timeoutMs = 30_000) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(`${baseUrl}/api/v1/threads/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(request),
      redirect: "manual",
      signal: controller.signal,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return JSON.parse(text);
  } finally {
    clearTimeout(timer);
  }
}
