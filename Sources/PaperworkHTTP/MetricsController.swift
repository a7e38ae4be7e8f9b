import Hummingbird
import Prometheus

/// `GET /metrics`: every metric of this process in Prometheus's text format.
struct MetricsController {
    let registry: PrometheusCollectorRegistry

    func addRoutes(to router: Router<PaperworkRequestContext>) {
        router.get("metrics") { _, _ -> Response in
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
