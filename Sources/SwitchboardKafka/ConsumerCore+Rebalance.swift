internal import CRdKafka
import Foundation
import Logging

extension ConsumerCore {
    /// Serves librdkafka's rebalance callback on the poll thread (or inside `rd_kafka_consumer_close`).
    func rebalance(
        handle: RdKafkaPointer,
        code: rd_kafka_resp_err_t,
        list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
    ) {
        let partitions = TopicPartitionList.entries(of: list).map(\.topicPartition)
        let cooperative = handle.isCooperative
        switch code {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            assign(partitions, list: list, handle: handle, cooperative: cooperative)
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            revoke(partitions, list: list, handle: handle, cooperative: cooperative)
        default:
            logger.error(
                "Kafka rebalance failed; dropping the assignment",
                metadata: [KafkaLogKey.error: "\(String(cString: rd_kafka_err2str(code)))"]
            )
            let tracked = state.withLock { Array($0.partitions.keys) }
            revoke(tracked, list: nil, handle: handle, cooperative: false)
        }
    }

    private func assign(
        _ partitions: [KafkaTopicPartition],
        list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
        handle: RdKafkaPointer,
        cooperative: Bool
    ) {
        // librdkafka's assignment and pause flags change under the same lock as the bookkeeping, so a topic held
        // (or released) by an integration's circuit at any moment leaves both agreeing on what is paused.
        let starts = self.starts(of: partitions, handle: handle)
        let failure: KafkaError? = state.withLock { state in
            let (fetch, paused) = state.assign(partitions, starts: starts)
            let failure: KafkaError?
            if cooperative {
                failure = KafkaError.consuming(rd_kafka_incremental_assign(handle.raw, list), while: "assigning partitions")
            } else {
                let code = rd_kafka_assign(handle.raw, list)
                failure = code == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError(code, while: "assigning partitions")
            }
            // A partition this client paused in an earlier generation must not stay paused when it comes back,
            // unless its topic is held now.
            handle.resume(fetch)
            handle.pause(paused)
            return failure
        }
        logger.info(
            "Kafka partitions assigned",
            metadata: [
                KafkaLogKey.partitions: "\(partitions.map(\.description).joined(separator: ","))",
                KafkaLogKey.protocolName: "\(cooperative ? "cooperative" : "eager")",
            ]
        )
        if let failure {
            logger.error("Kafka partition assignment failed", metadata: [KafkaLogKey.error: "\(failure)"])
        }
    }

    /// Stops handing out the partitions, waits (bounded) for their outcomes, stores and commits the
    /// watermarks, then releases them. Outcomes arriving later for them are ignored.
    private func revoke(
        _ partitions: [KafkaTopicPartition],
        list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
        handle: RdKafkaPointer,
        cooperative: Bool
    ) {
        state.withLock { $0.beginRevoke(partitions) }
        if let hook = revokeHook.withLock({ $0 }) {
            let taken = hook(partitions)
            _ = state.withLock { $0.abandon(taken) }
        }
        let lost = handle.assignmentLost
        var abandoned = 0
        if !lost {
            let deadline = Date().addingTimeInterval(Self.seconds(revokeWait()))
            abandoned = waitForOutcomes(of: partitions, until: deadline)
        } else {
            abandoned = state.withLock { $0.pending(in: partitions) }
        }
        let points = state.withLock { $0.finishRevoke(partitions) }
        var metadata: Logger.Metadata = [
            KafkaLogKey.partitions: "\(partitions.map(\.description).joined(separator: ","))",
            KafkaLogKey.pending: "\(abandoned)",
        ]
        if lost {
            logger.warning("Kafka partitions lost (session expired): not committing, their messages will be read again", metadata: metadata)
        } else if let error = commit(points, handle: handle, async: false) {
            metadata[KafkaLogKey.error] = "\(error)"
            logger.warning("Kafka commit on revoke failed: the next owner re-reads from the last committed offset", metadata: metadata)
        } else if abandoned > 0 {
            logger.warning("Kafka partitions revoked with messages still without outcome: they will be read again", metadata: metadata)
        } else {
            logger.info("Kafka partitions revoked and committed", metadata: metadata)
        }

        if cooperative {
            if let error = KafkaError.consuming(rd_kafka_incremental_unassign(handle.raw, list), while: "unassigning partitions") {
                logger.error("Kafka partition unassignment failed", metadata: [KafkaLogKey.error: "\(error)"])
            }
        } else {
            let code = rd_kafka_assign(handle.raw, nil)
            if code != RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.error(
                    "Kafka partition unassignment failed",
                    metadata: [KafkaLogKey.error: "\(KafkaError(code, while: "unassigning partitions"))"]
                )
            }
        }
    }

    /// A duration in seconds, for Foundation deadlines.
    static func seconds(_ duration: Duration) -> TimeInterval {
        let components = duration.components
        return max(0, TimeInterval(components.seconds) + TimeInterval(components.attoseconds) / 1e18)
    }

    /// A duration in whole milliseconds, clamped to librdkafka's `int` timeouts.
    static func milliseconds(_ duration: Duration) -> Int32 {
        Int32(clamping: Int64(seconds(duration) * 1000))
    }
}

/// offset_commit_cb: the outcome of a queued (periodic) commit, served by `rd_kafka_consumer_poll` on the consumer's
/// thread.
func consumerCommitCallback(
    _ handle: OpaquePointer?,
    _ code: rd_kafka_resp_err_t,
    _ offsets: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
    _ opaque: UnsafeMutableRawPointer?
) {
    guard let core = ClientContext.from(opaque)?.consumer else { return }
    let entries = TopicPartitionList.entries(of: offsets)
    let done = entries.filter { $0.error == RD_KAFKA_RESP_ERR_NO_ERROR && $0.offset >= 0 }
    core.committed(done.map { ($0.topicPartition, $0.offset) })
    let failed = entries.filter { $0.error != RD_KAFKA_RESP_ERR_NO_ERROR }.map(\.topicPartition)
    if !failed.isEmpty { core.state.withLock { $0.commitFailed(failed) } }
    if code != RD_KAFKA_RESP_ERR_NO_ERROR, code != RD_KAFKA_RESP_ERR__NO_OFFSET {
        core.logger.info("Kafka periodic commit failed: the next commit carries the same positions", metadata: [
            KafkaLogKey.error: "\(String(cString: rd_kafka_err2str(code)))",
        ])
    }
}

/// rebalance_cb: librdkafka calls it from `rd_kafka_consumer_poll` or `rd_kafka_consumer_close`, both on the
/// consumer's own thread.
func consumerRebalanceCallback(
    _ handle: OpaquePointer?,
    _ code: rd_kafka_resp_err_t,
    _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
    _ opaque: UnsafeMutableRawPointer?
) {
    guard let handle else { return }
    guard let core = ClientContext.from(opaque)?.consumer else {
        // No Swift consumer behind this client: keep librdkafka's assignment in step with the group.
        _ = rd_kafka_assign(handle, code == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS ? partitions : nil)
        return
    }
    core.rebalance(handle: RdKafkaPointer(raw: handle), code: code, list: partitions)
}
