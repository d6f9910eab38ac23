/// What the admin listener reports, given by the bridge: readiness with its checks, gauges refreshed before a
/// scrape, and the status page.
public protocol AdminStatus: Sendable {
    /// Whether Switchboard is ready, with each check as JSON (`/readyz`).
    func report() -> (ready: Bool, json: String)
    /// Updates gauges read at scrape time (`/metrics`).
    func refreshGauges()
    /// The status page for people (`/`).
    func statusPage() -> String
}
