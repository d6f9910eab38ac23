import SwitchboardCore

/// The admin listener's `/` page: one static HTML document with its CSS and script inline (no build step, no
/// external assets) that polls `GET /-/status` every 2 seconds and renders it.
///
/// Everything that comes from events or the configuration reaches the page through `JSON.parse` and is put into
/// the document with `textContent` only, never as markup. The CSRF token of the session is in a `<meta>` element;
/// Replay sends it as `X-CSRF-Token`. With a token configured and no session, the page asks for the token once
/// (`POST /-/session`) and reloads. The Content-Security-Policy allows only this page's own script and style
/// (by nonce) and requests to its own origin.
enum StatusPage {
    /// The page for a session (`csrfToken`), or the sign-in form when `csrfToken` is nil.
    static func html(nonce: String, csrfToken: String?) -> String {
        let csrf = TextEscaping.html(csrfToken ?? "")
        let mode = csrfToken == nil ? "sign-in" : "status"
        return #"""
        <!doctype html>
        <html lang="en" data-mode="\#(mode)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="csrf-token" content="\#(csrf)">
        <title>Switchboard</title>
        <style nonce="\#(nonce)">\#(css)</style>
        </head>
        <body>
        <header>
          <h1>Switchboard</h1>
          <p id="summary" class="muted">Loading…</p>
        </header>
        <div id="notice" role="status" aria-live="polite" hidden></div>
        <section id="sign-in" hidden>
          <h2>Sign in</h2>
          <p>This admin listener needs its token (<code>admin.token</code> in the configuration).</p>
          <form id="sign-in-form">
            <label>Token <input id="token" name="token" type="password" autocomplete="current-password" required></label>
            <button type="submit">Sign in</button>
          </form>
        </section>
        <main id="status" hidden>
          <section>
            <h2>Integrations</h2>
            <table id="integrations">
              <thead>
                <tr><th rowspan="2">Integration</th><th colspan="2">Received</th><th colspan="2">Delivered</th><th colspan="2">Dead-lettered</th>
                <th rowspan="2">In flight</th><th rowspan="2">Backlog</th><th rowspan="2">Circuit</th><th rowspan="2">Key</th><th rowspan="2">Last success</th><th rowspan="2">Routes</th></tr>
                <tr><th>1 min</th><th>5 min</th><th>1 min</th><th>5 min</th><th>1 min</th><th>5 min</th></tr>
              </thead>
              <tbody></tbody>
            </table>
          </section>
          <section id="kafka" hidden>
            <h2>Kafka partitions</h2>
            <p id="kafka-summary" class="muted"></p>
            <table id="partitions">
              <thead><tr><th>Topic</th><th>Partition</th><th>Lag</th><th>Committed offset</th><th>Waiting for an outcome</th><th>Paused</th></tr></thead>
              <tbody></tbody>
            </table>
          </section>
          <section>
            <h2>Recent dead letters</h2>
            <p id="dead-letter-summary" class="muted"></p>
            <table id="dead-letters">
              <thead><tr><th>Time</th><th>Integration</th><th>Reason</th><th>Status</th><th>Error message</th><th>Correlation id</th><th>Attempts</th><th></th></tr></thead>
              <tbody></tbody>
            </table>
          </section>
          <p class="muted"><a href="/metrics">metrics</a> · <a href="/readyz">readiness</a></p>
        </main>
        <script nonce="\#(nonce)">\#(script)</script>
        </body>
        </html>

        """#
    }

    static let css = """
        body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5rem; color: #1d2433; background: #fafbfc; }
        h1 { font-size: 1.4rem; margin: 0; } h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        th, td { border: 1px solid #d8dde6; padding: .3rem .5rem; text-align: left; vertical-align: top; }
        th { background: #eef1f5; font-weight: 600; }
        td.number { text-align: right; font-variant-numeric: tabular-nums; }
        .muted { color: #5b6475; } .small { font-size: 12px; color: #5b6475; display: block; }
        .state { font-weight: 600; padding: 0 .35rem; border-radius: 3px; }
        .state-closed { background: #dcf5e3; color: #145c2c; } .state-open { background: #fde0e0; color: #8a1c1c; }
        .state-probing { background: #fff1cc; color: #7a5200; } .warn { color: #8a1c1c; font-weight: 600; }
        #notice { margin: .75rem 0; padding: .5rem .75rem; border-radius: 4px; background: #eef1f5; }
        #notice.error { background: #fde0e0; } code { background: #eef1f5; padding: 0 .2rem; }
        button { cursor: pointer; }
        """

    static let script = #"""
        "use strict";
        const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
        const $ = (id) => document.getElementById(id);

        function cell(text, field, className) {
          const td = document.createElement("td");
          td.textContent = text === null || text === undefined ? "" : String(text);
          if (field) td.dataset.field = field;
          if (className) td.className = className;
          return td;
        }
        function line(text, className) {
          const span = document.createElement("span");
          span.className = className || "small";
          span.textContent = text;
          return span;
        }
        function duration(seconds) {
          seconds = Math.round(Math.abs(seconds));
          if (seconds < 60) return seconds + "s";
          if (seconds < 3600) return Math.floor(seconds / 60) + "m " + (seconds % 60) + "s";
          if (seconds < 86400) return Math.floor(seconds / 3600) + "h " + Math.floor((seconds % 3600) / 60) + "m";
          return Math.floor(seconds / 86400) + "d " + Math.floor((seconds % 86400) / 3600) + "h";
        }
        function time(ms) {
          return new Date(ms).toISOString().replace("T", " ").slice(0, 19) + " UTC";
        }
        function notice(text, isError) {
          const box = $("notice");
          box.textContent = text;
          box.className = isError ? "error" : "";
          box.hidden = false;
        }
        function deadLetteredCell(byReason, field) {
          const td = cell("", field, "number");
          const reasons = Object.keys(byReason || {}).sort();
          let total = 0;
          for (const reason of reasons) total += byReason[reason];
          const count = document.createElement("span");
          count.className = "count";
          count.textContent = String(total);
          td.appendChild(count);
          for (const reason of reasons) td.appendChild(line(reason + " " + byReason[reason]));
          return td;
        }
        function circuitCell(integration, now) {
          const td = cell("", "circuit");
          const circuit = integration.circuit;
          td.appendChild(line(circuit.state, "state state-" + circuit.state));
          if (circuit.next_probe_at_ms !== null && circuit.next_probe_at_ms !== undefined) {
            td.appendChild(line("next probe in " + duration(Math.max(0, circuit.next_probe_at_ms - now) / 1000)));
          }
          const failure = circuit.last_error;
          if (failure) {
            const status = failure.status === null ? "no response" : "HTTP " + failure.status;
            td.appendChild(line("last error " + duration((now - failure.at_ms) / 1000) + " ago: " + status +
              (failure.message ? " — " + failure.message : "")));
            if (failure.retry_after_seconds !== null) td.appendChild(line("Retry-After " + duration(failure.retry_after_seconds)));
          }
          return td;
        }
        function keyCell(key) {
          const td = cell("", "key");
          if (key.expires_in_seconds === null) {
            td.appendChild(line("no expiry declared", ""));
          } else if (key.expires_in_seconds > 0) {
            td.appendChild(line("expires in " + duration(key.expires_in_seconds), key.expires_in_seconds < 14 * 86400 ? "warn" : ""));
            td.appendChild(line(time(key.expires_at_ms)));
          } else {
            td.appendChild(line("expired " + duration(key.expires_in_seconds) + " ago", "warn"));
          }
          return td;
        }
        function routesCell(routes) {
          const td = cell("", "routes");
          for (const route of routes) {
            td.appendChild(line(route.from + (route.when ? " when " + route.when : ""), "small"));
          }
          return td;
        }

        function render(status) {
          const now = status.now_ms;
          const summary = [status.ready ? "Ready" : "Not ready", "journal depth " + status.journal_depth,
            "updated " + time(now)];
          $("summary").textContent = summary.join(" · ");
          $("summary").dataset.journalDepth = String(status.journal_depth);

          const rows = $("integrations").tBodies[0];
          rows.replaceChildren();
          for (const integration of status.integrations) {
            const tr = document.createElement("tr");
            tr.dataset.integration = integration.name;
            tr.appendChild(cell(integration.name, "name"));
            tr.appendChild(cell(integration.received_1m, "received-1m", "number"));
            tr.appendChild(cell(integration.received_5m, "received-5m", "number"));
            tr.appendChild(cell(integration.delivered_1m, "delivered-1m", "number"));
            tr.appendChild(cell(integration.delivered_5m, "delivered-5m", "number"));
            tr.appendChild(deadLetteredCell(integration.dead_lettered_1m, "dead-lettered-1m"));
            tr.appendChild(deadLetteredCell(integration.dead_lettered_5m, "dead-lettered-5m"));
            tr.appendChild(cell(integration.in_flight, "in-flight", "number"));
            tr.appendChild(cell(integration.backlog, "backlog", "number"));
            tr.appendChild(circuitCell(integration, now));
            tr.appendChild(keyCell(integration.key));
            tr.appendChild(cell(integration.last_success_at_ms === null ? "never since start" : time(integration.last_success_at_ms), "last-success"));
            tr.appendChild(routesCell(integration.routes));
            rows.appendChild(tr);
          }

          const kafka = status.kafka;
          $("kafka").hidden = !kafka;
          if (kafka) {
            $("kafka-summary").textContent = "rebalances " + kafka.rebalances +
              (kafka.dead_letter_fallback ? " · dead letters fell back to the local store: " + kafka.dead_letter_fallback : "");
            const partitions = $("partitions").tBodies[0];
            partitions.replaceChildren();
            for (const partition of kafka.partitions) {
              const tr = document.createElement("tr");
              tr.dataset.partition = partition.topic + "/" + partition.partition;
              tr.appendChild(cell(partition.topic, "topic"));
              tr.appendChild(cell(partition.partition, "partition", "number"));
              tr.appendChild(cell(partition.lag === null ? "unknown" : partition.lag, "lag", "number"));
              tr.appendChild(cell(partition.committed_offset === null ? "none yet" : partition.committed_offset, "committed-offset", "number"));
              tr.appendChild(cell(partition.pending, "pending", "number"));
              tr.appendChild(cell(partition.paused ? "paused" : "no", "paused"));
              partitions.appendChild(tr);
            }
          }

          const letters = $("dead-letters").tBodies[0];
          letters.replaceChildren();
          $("dead-letter-summary").textContent = status.dead_letter_count === 0 ? "No dead letters." :
            status.dead_letter_count + " dead letters stored" +
            (status.dead_letter_count > status.dead_letters.length ? ", newest " + status.dead_letters.length + " shown" : "") +
            " (switchboard dlq list for all of them).";
          if (status.dead_letter_error) notice("Dead letters cannot be read: " + status.dead_letter_error, true);
          for (const letter of status.dead_letters) {
            const tr = document.createElement("tr");
            tr.dataset.deadLetter = String(letter.id);
            tr.appendChild(cell(time(letter.at_ms), "time"));
            tr.appendChild(cell(letter.integration, "integration"));
            tr.appendChild(cell(letter.reason, "reason"));
            tr.appendChild(cell(letter.status === null ? "none" : letter.status, "status"));
            tr.appendChild(cell(letter.error_message, "error-message"));
            tr.appendChild(cell(letter.correlation_id, "correlation-id"));
            tr.appendChild(cell(letter.attempts, "attempts", "number"));
            const action = cell("", "action");
            const button = document.createElement("button");
            button.type = "button";
            button.className = "replay";
            button.dataset.id = String(letter.id);
            button.textContent = "Replay";
            button.addEventListener("click", () => replay(letter.id, button));
            action.appendChild(button);
            tr.appendChild(action);
            letters.appendChild(tr);
          }
        }

        async function replay(id, button) {
          button.disabled = true;
          try {
            const response = await fetch("/-/dead-letters/" + encodeURIComponent(id) + "/replay", {
              method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrfToken },
            });
            const answer = await response.json();
            notice("Dead letter " + id + ": " + answer.message, !response.ok || answer.result !== "delivered");
          } catch (error) {
            notice("Replay of dead letter " + id + " failed: " + error, true);
          }
          button.disabled = false;
          refresh();
        }

        function showSignIn() {
          $("status").hidden = true;
          $("sign-in").hidden = false;
          $("summary").textContent = "Signed out";
        }

        async function refresh() {
          try {
            const response = await fetch("/-/status", { credentials: "same-origin", cache: "no-store" });
            if (response.status === 401) { showSignIn(); return; }
            if (!response.ok) throw new Error("HTTP " + response.status);
            render(await response.json());
            $("status").hidden = false;
          } catch (error) {
            notice("Cannot read the status: " + error.message, true);
          }
        }

        $("sign-in-form").addEventListener("submit", async (event) => {
          event.preventDefault();
          const response = await fetch("/-/session", {
            method: "POST", credentials: "same-origin",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ token: $("token").value }),
          });
          if (response.ok) { location.reload(); } else { notice("That token was not accepted.", true); }
        });

        if (document.documentElement.dataset.mode === "sign-in") {
          showSignIn();
        } else {
          refresh();
          setInterval(refresh, 2000);
        }
        """#
}
