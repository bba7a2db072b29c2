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
    // A file is sent by the 保存草稿 button only, not again on every keystroke.
    for (const input of form.querySelectorAll("input[type=file]")) body.delete(input.name);
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

  form.addEventListener("input", (event) => {
    if (event.target.type !== "file") later();
  });
  form.addEventListener("change", (event) => {
    if (event.target.type !== "file") later();
  });
})();

// A table field's 添加一行: a copy of its last row, emptied, with the next row number in its cells' names
// (cell-<code>-<row>-<column>). Without this script the page offers a few blank rows and saving adds more.
(() => {
  for (const button of document.querySelectorAll("button[data-add-row]")) {
    const table = document.querySelector(`table[data-table-field="${CSS.escape(button.dataset.addRow)}"]`);
    if (!table) continue;
    button.hidden = false;
    button.addEventListener("click", () => {
      const rows = table.tBodies[0].querySelectorAll("tr[data-row]");
      const last = rows[rows.length - 1];
      if (!last) return;
      const copy = last.cloneNode(true);
      const index = rows.length;
      copy.cells[0].textContent = String(index + 1);
      for (const input of copy.querySelectorAll("input")) {
        input.value = "";
        input.name = input.name.replace(/-\d+-([a-z][a-z0-9_]*)$/, `-${index}-$1`);
      }
      table.tBodies[0].appendChild(copy);
      const first = copy.querySelector("input");
      if (first) first.focus();
    });
  }
})();
