namespace AaiProxy.Server.Upstream.Discovery;

/// <summary>
/// The login page's type-ahead (progressive enhancement: without it the page searches by a form). It makes the
/// search field an ARIA 1.2 combobox with a listbox popup: results of <c>GET /discovery/search</c> appear as the
/// person types; arrow keys move through them, Enter or a click chooses (the page's own antiforgery-protected
/// POST form is submitted), Escape closes the list; a polite live region says how many were found.
/// </summary>
internal static class DiscoveryScript
{
    public const string Text = """
        (() => {
          "use strict";
          const input = document.getElementById("q");
          const list = document.getElementById("idp-results");
          const status = document.getElementById("idp-status");
          const form = document.getElementById("idp-choice");
          if (!input || !list || !status || !form || !window.fetch) return;
          input.setAttribute("role", "combobox");
          input.setAttribute("aria-autocomplete", "list");
          input.setAttribute("aria-expanded", "false");
          input.setAttribute("aria-controls", list.id);
          let active = -1, timer = 0, sequence = 0;

          input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, 120); });
          input.addEventListener("keydown", event => {
            const options = list.querySelectorAll("[role=option]");
            if ((event.key === "ArrowDown" || event.key === "ArrowUp") && options.length > 0) {
              event.preventDefault();
              active = (active + (event.key === "ArrowDown" ? 1 : options.length - 1)) % options.length;
              highlight(options);
            } else if (event.key === "Enter" && active >= 0 && options[active]) {
              event.preventDefault();
              choose(options[active].dataset.optionEntityId);
            } else if (event.key === "Escape") {
              show([]);
            }
          });

          async function search() {
            const query = input.value.trim();
            const mine = ++sequence;
            if (query.length === 0) { show([]); status.textContent = ""; return; }
            const response = await fetch("/discovery/search?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } });
            if (!response.ok || mine !== sequence) return;
            const hits = await response.json();
            show(hits);
            status.textContent = hits.length === 0 ? "No identity provider matches."
              : hits.length === 1 ? "1 identity provider found." : hits.length + " identity providers found.";
          }

          function show(hits) {
            list.replaceChildren();
            active = -1;
            hits.forEach((hit, index) => {
              const option = document.createElement("li");
              option.id = "idp-option-" + index;
              option.setAttribute("role", "option");
              option.setAttribute("aria-selected", "false");
              option.dataset.optionEntityId = hit.entityId;
              if (hit.logo) {
                const logo = document.createElement("img");
                logo.src = hit.logo; logo.alt = ""; logo.width = 40; logo.height = 30; logo.loading = "lazy";
                option.append(logo);
              }
              option.append(document.createTextNode(hit.displayName));
              if (hit.domains && hit.domains.length > 0) {
                const domains = document.createElement("small");
                domains.textContent = " " + hit.domains.join(", ");
                option.append(domains);
              }
              option.addEventListener("click", () => choose(hit.entityId));
              list.append(option);
            });
            list.hidden = hits.length === 0;
            input.setAttribute("aria-expanded", hits.length > 0 ? "true" : "false");
            input.removeAttribute("aria-activedescendant");
          }

          function highlight(options) {
            options.forEach((option, index) => option.setAttribute("aria-selected", index === active ? "true" : "false"));
            input.setAttribute("aria-activedescendant", options[active].id);
            options[active].scrollIntoView({ block: "nearest" });
          }

          function choose(entityId) {
            const provider = document.createElement("input");
            provider.type = "hidden"; provider.name = "provider"; provider.value = entityId;
            form.append(provider);
            form.submit();
          }
        })();
        """;
}
