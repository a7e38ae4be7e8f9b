import CCairo

/// Collects the bytes cairo streams out (PDF pages, PNG files). Passed to C as an unretained
/// `Unmanaged` pointer: whoever creates the stream keeps the sink alive until the stream is done.
final class ByteSink {
    var bytes: [UInt8] = []

    /// The opaque pointer handed to cairo as the write callback's closure.
    var opaquePointer: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }
}

/// cairo's `cairo_write_func_t`: appends the chunk to the `ByteSink` behind `closure`.
func writeToByteSink(_ closure: UnsafeMutableRawPointer?, _ data: UnsafePointer<UInt8>?, _ length: UInt32) -> cairo_status_t {
    guard let closure else { return CAIRO_STATUS_WRITE_ERROR }
    let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
    if let data, length > 0 {
        sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
    }
    return CAIRO_STATUS_SUCCESS
}
