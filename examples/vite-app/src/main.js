// The whole app: initialise inbox-sender once, send the form's DM, show what happened.
// `init()` fetches inbox_sender_bg.wasm; `vite build` emits that file into dist/assets/ and
// rewrites the URL the package's glue asks for, so nothing is copied by hand.
import init, { InboxClient } from "inbox-sender";

const form = document.querySelector("form");
const result = document.querySelector("#result");
const ready = init();

function show(state, text) {
  result.dataset.state = state;
  result.textContent = text;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const field = (name) => form.elements.namedItem(name).value;
  const button = form.querySelector("button");
  button.disabled = true;
  show("sending", "Sending…");
  try {
    await ready;
    const client = new InboxClient({ token: field("token"), baseUrl: field("baseUrl") });
    try {
      const { message, thread } = await client.sendMessage({
        accountLinkId: field("accountLinkId"),
        content: field("content"),
        externalPlatformId: field("externalPlatformId"),
      });
      show("sent", `Sent — message ${message.id} in thread ${thread.id}`);
    } finally {
      client.free();
    }
  } catch (error) {
    // An InboxError's message is a sentence a person can act on; `kind` is for code.
    show("error", error.kind ? `${error.kind}: ${error.message}` : String(error));
  } finally {
    button.disabled = false;
  }
});
