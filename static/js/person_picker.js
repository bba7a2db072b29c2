// The person picker (cadres/picker.py) as a typeahead: the radio (or checkbox) list under the search box fills as
// one types, from the picker's search URL (people in the user's jurisdiction: name, masked ID number, unit). Without
// this script the same list comes back from the server when the 搜索 button is pressed.
(() => {
  const DELAY = 250;

  function option(picker, person, checked) {
    const name = picker.querySelector("input[type=search]").name.replace(/_q$/, "");
    const label = document.createElement("label");
    label.className = "picker-option";
    const input = document.createElement("input");
    input.type = picker.dataset.kind === "checkbox" ? "checkbox" : "radio";
    input.name = name;
    input.value = String(person.id);
    input.checked = checked;
    const who = document.createElement("span");
    who.className = "picker-name";
    who.textContent = person.name;
    const what = document.createElement("small");
    what.className = "muted";
    what.textContent = `${person.id_number} · ${person.unit}`;
    label.append(input, " ", who, " ", what);
    return label;
  }

  async function search(picker, query) {
    const results = picker.querySelector("[data-picker-results]");
    // What is checked stays (a person chosen, or attendees checked in earlier searches).
    const kept = [...results.querySelectorAll("input:checked")].map((input) => input.closest("label"));
    const keptIds = new Set(kept.map((label) => label.querySelector("input").value));
    let people = [];
    if (query) {
      const url = `${picker.dataset.searchUrl}?q=${encodeURIComponent(query)}`;
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) return; // throttled or signed out: the 搜索 button still works
      people = (await response.json()).results;
      if (picker.querySelector("input[type=search]").value.trim() !== query) return; // a later search is on its way
    }
    results.replaceChildren(...kept);
    for (const person of people) {
      if (!keptIds.has(String(person.id))) results.append(option(picker, person, false));
    }
    if (query && !people.length) {
      const empty = document.createElement("p");
      empty.className = "muted";
      empty.textContent = picker.dataset.empty;
      results.append(empty);
    }
  }

  for (const picker of document.querySelectorAll("[data-person-picker]")) {
    const box = picker.querySelector("input[type=search]");
    let timer = null;
    picker.classList.add("typeahead");
    box.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => search(picker, box.value.trim()), DELAY);
    });
    box.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault(); // Enter searches here instead of posting the form
      clearTimeout(timer);
      search(picker, box.value.trim());
    });
  }
})();
