// The fill page's autosave (reporting/views.py report_draft): what the secretary types is posted to the draft
// endpoint a moment after they stop, so a dropped connection or a reload loses nothing. The rules' messages that
// come back are shown beside their fields. Without this script the 保存草稿 button saves the same way.
(() => {
  const DELAY = 800;
  const form = document.querySelector("form[data-autosave-url]");
  if (!form) return;
  const status = form.querySelector("[data-autosave-status]");
  let timer = null;

  function show(code, items) {
    const list = form.querySelector(`[data-messages-for="${CSS.escape(code)}"]`);
    if (!list) return;
    list.replaceChildren(
      ...items.map((item) => {
        const li = document.createElement("li");
        li.className = item.blocking === false ? "warning" : "error";
        li.textContent = item.message;
        return li;
      }),
    );
  }

  async function save() {
    const body = new FormData(form);
    const token = body.get("csrfmiddlewaretoken");
    let response;
    try {
      response = await fetch(form.dataset.autosaveUrl, {
        method: "POST",
        body,
        headers: { "X-CSRFToken": token, Accept: "application/json" },
        credentials: "same-origin",
      });
    } catch {
      if (status) status.textContent = status.dataset.offline;
      return;
    }
    const data = await response.json().catch(() => ({}));
    for (const list of form.querySelectorAll("[data-messages-for]")) list.replaceChildren();
    if (data.saved) {
      for (const [code, items] of Object.entries(data.findings || {})) show(code, items);
      if (status) status.textContent = status.dataset.saved;
    } else {
      for (const [code, messages] of Object.entries(data.errors || {})) {
        show(code, messages.map((message) => ({ message, blocking: true })));
      }
      if (status) status.textContent = status.dataset.failed;
    }
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(save, DELAY);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
