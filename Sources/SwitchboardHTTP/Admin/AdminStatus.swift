/// What the admin listener reports, given by the bridge: readiness with its checks, gauges refreshed before a
/// scrape, the status page's data and its actions.
public protocol AdminStatus: Sendable {
    /// Whether Switchboard is ready, with each check as JSON (`/readyz`).
    func report() -> (ready: Bool, json: String)
    /// Updates gauges read at scrape time (`/metrics`).
    func refreshGauges()
    /// What the status page shows, as JSON (`GET /-/status`).
    func status() async -> String
    /// Replays one dead letter now, as `switchboard dlq replay ID` does; answers an HTTP status and a JSON body
    /// (`POST /-/dead-letters/{id}/replay`).
    func replayDeadLetter(id: Int64) async -> (status: Int, json: String)
    /// Reloads the configuration file; `200 {"result":"applied","hash":...}` or `422 {"result":"rejected","errors":[...]}`
    /// (`POST /-/reload`).
    func reload() async -> (status: Int, json: String)
}
