import Hummingbird
import Prometheus

/// `GET /metrics`: every metric of this process in Prometheus's text format.
struct MetricsController {
    let registry: PrometheusCollectorRegistry
    /// Updates gauges read from the database (queue depth…) so each scrape sees the present.
    let beforeScrape: @Sendable () async -> Void

    func addRoutes(to router: Router<PaperworkRequestContext>) {
        router.get("metrics") { _, _ -> Response in
            await beforeScrape()
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16 * 1024)
            registry.emit(into: &buffer)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: buffer))
            )
        }
    }
}
