/// Where a route's events come from.
public enum RouteSource: Sendable, Hashable {
    /// HTTP requests to this path of the webhook listener.
    case webhook(String)
    /// Messages of this Kafka topic.
    case kafka(String)
}
