// ==UserScript==
// @name         Agent Assist: suggest a reply
// @namespace    agent-assist
// @version      1.0
// @description  Asks the local Agent Assist app for a reply to the conversation on this page.
// @match        https://helpdesk.example.com/*
// @grant        none
// ==/UserScript==
//
// Setup: in Agent Assist, turn the local API on and add this page's origin to the allowed
// origins (settings: api_origins, e.g. "https://helpdesk.example.com"); paste the token below.
// Change @match and CONVERSATION_SELECTOR for your helpdesk. Nothing leaves this computer:
// the page talks to 127.0.0.1 only.
(() => {
  "use strict";
  const API = "http://127.0.0.1:8765";
  const TOKEN = "paste the token Agent Assist shows";
  const CONVERSATION_SELECTOR = ".ticket-conversation"; // the element holding the messages

  const button = document.createElement("button");
  button.textContent = "Suggest reply";
  button.style.cssText = "position:fixed;bottom:16px;right:16px;z-index:99999;padding:8px 12px";
  const box = document.createElement("textarea");
  box.style.cssText =
    "position:fixed;bottom:56px;right:16px;width:420px;height:200px;z-index:99999;display:none";
  document.body.append(button, box);

  button.addEventListener("click", async () => {
    const page = document.querySelector(CONVERSATION_SELECTOR);
    const conversation = (page || document.body).innerText;
    box.style.display = "block";
    box.value = "";
    const response = await fetch(`${API}/v1/suggest`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ conversation, alternatives: 1 }),
    });
    if (!response.ok) {
      box.value = `Agent Assist: ${(await response.json()).error}`;
      return;
    }
    // Server-sent events over fetch: "event: NAME" and "data: JSON" lines, a blank line ends one.
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    let head = ""; // the ready reply, kept above the draft
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value.replace(/\r\n/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const name = (block.match(/^event: ?(.*)$/m) || [])[1];
        const data = block.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5)).join("");
        if (!name || !data) continue; // pings
        const payload = JSON.parse(data);
        if (name === "ready" && payload) box.value = head = `${payload.text}\n\n--- draft ---\n`;
        if (name === "token") box.value += payload.text;
        if (name === "draft") box.value = head + payload.text; // checked: unsupported sentences out
        if (name === "error") box.value = `Agent Assist: ${payload.message}`;
      }
    }
  });
})();
