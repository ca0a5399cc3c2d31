// Baseline: the same request with ky (a fetch wrapper with retries), post().json().
import ky from "ky";

export function sendWithKy(baseUrl, token, request) {
  return ky
    .post(`${baseUrl}/api/v1/threads/messages`, {
      headers: { authorization: `Bearer ${token}` },
      json: request,
      redirect: "manual",
    })
    .json();
}
