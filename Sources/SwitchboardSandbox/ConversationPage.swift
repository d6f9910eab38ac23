/// The plain HTML page at `/`: every conversation and the events that reached it, everything escaped.
enum ConversationPage {
    /// Most conversations shown (newest first), so the page stays light in a browser.
    static let maxConversations = 100
    /// Most events shown per conversation (the newest).
    static let maxEvents = 100

    /// Renders the page.
    /// `conversations` are the newest ones (oldest first) out of `total`, each with its newest events.
    static func render(conversations: [ConversationView], total: Int, counters: CountersView, faults: SandboxFaults)
        -> String
    {
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Switchboard sandbox</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2em;color:#222}
            table{border-collapse:collapse;margin:.5em 0 1.5em}
            td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
            pre{margin:0;white-space:pre-wrap;word-break:break-all;max-width:60em}
            .muted{color:#777}
            </style></head><body>
            <h1>Switchboard sandbox</h1>

            """
        html += "<p>Webhook requests: \(counters.received) received, \(counters.accepted) accepted, "
        html += "\(counters.dropped) dropped. Faults: error_rate \(faults.errorRate), "
        html += "throttle_rate \(faults.throttleRate), drop_rate \(faults.dropRate), "
        html += "latency_ms \(faults.latencyMilliseconds).</p>\n"
        if total == 0 {
            html += "<p class=\"muted\">No conversations yet. Start one with "
            html += "<code>POST /sandbox/conversations</code>.</p>\n"
        }
        if total > conversations.count {
            html += "<p class=\"muted\">Showing the newest \(conversations.count) of \(total) conversations; "
            html += "<code>GET /sandbox/conversations</code> has them all.</p>\n"
        }
        for conversation in conversations.reversed() {
            html += "<h2>Conversation \(escape(conversation.conversationID))</h2>\n<p class=\"muted\">"
            html += "started \(escape(conversation.createdAt))"
            if let project = conversation.projectID {
                html += ", project \(escape(project))"
            }
            if let account = conversation.accountID {
                html += ", account \(escape(account))"
            }
            html += "</p>\n<p>External event ids: "
            html += conversation.externalEventIDs.map { minted in
                "<code>\(escape(minted.externalEventID))</code> (until \(escape(minted.expiresAt)))"
            }.joined(separator: ", ")
            html += "</p>\n"
            if conversation.events.isEmpty {
                html += "<p class=\"muted\">No events yet.</p>\n"
                continue
            }
            html += "<table><tr><th>created_at</th><th>ext_event_id</th><th>content_type</th>"
            html += "<th>send_to_llm</th><th>data</th></tr>\n"
            if conversation.eventCount > conversation.events.count {
                html += "<tr><td colspan=\"5\" class=\"muted\">\(conversation.eventCount - conversation.events.count) "
                html += "older events not shown</td></tr>\n"
            }
            for event in conversation.events {
                html += "<tr><td>\(escape(event.createdAt))</td><td>\(escape(event.extEventID))</td>"
                html += "<td>\(escape(event.contentType))</td><td>\(event.sendToLLM)</td>"
                html += "<td><pre>\(escape(event.data))</pre></td></tr>\n"
            }
            html += "</table>\n"
        }
        html += "</body></html>\n"
        return html
    }

    /// Escapes text for HTML element content and attribute values.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}
