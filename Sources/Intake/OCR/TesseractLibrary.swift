import CTesseract
#if canImport(Glibc)
import Glibc
#endif

/// libtesseract's C API, opened with `dlopen` when the first OCR engine starts, not linked.
///
/// Linking Tesseract made every `paperwork` process load it and the 35 libraries it pulls in
/// (leptonica, curl, GnuTLS, Kerberos, LDAP, ICU…) and resolve their symbols at start: most of
/// the dynamic loader's work, paid by `paperwork inspect` and by every worker, which never
/// recognise a scan. Only the OCR workers open it now. The C header still gives the types and
/// constants; the functions come from here.
struct TesseractLibrary {
    let version: @convention(c) () -> UnsafePointer<CChar>?
    let create: @convention(c) () -> OpaquePointer?
    let delete: @convention(c) (OpaquePointer?) -> Void
    let setVariable: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Int32
    let initialize: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, TessOcrEngineMode) -> Int32
    let setPageSegMode: @convention(c) (OpaquePointer?, TessPageSegMode) -> Void
    let setImage: @convention(c) (OpaquePointer?, UnsafePointer<UInt8>?, Int32, Int32, Int32, Int32) -> Void
    let setSourceResolution: @convention(c) (OpaquePointer?, Int32) -> Void
    let recognize: @convention(c) (OpaquePointer?, OpaquePointer?) -> Int32
    let utf8Text: @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<CChar>?
    let deleteText: @convention(c) (UnsafePointer<CChar>?) -> Void
    let meanTextConfidence: @convention(c) (OpaquePointer?) -> Int32
    let clear: @convention(c) (OpaquePointer?) -> Void
    let end: @convention(c) (OpaquePointer?) -> Void
    let monitorCreate: @convention(c) () -> OpaquePointer?
    let monitorDelete: @convention(c) (OpaquePointer?) -> Void
    let monitorSetDeadline: @convention(c) (OpaquePointer?, Int32) -> Void

    /// The library, or why it cannot be opened (not installed, or missing a function); opened
    /// once per process, on first use. Its handle is never closed: engines live as long.
    static let loaded: Result<TesseractLibrary, LoadFailure> = open()

    /// Why libtesseract could not be used.
    struct LoadFailure: Error {
        var message: String
    }

    private static func open() -> Result<TesseractLibrary, LoadFailure> {
        // The soname Debian 12 ships (libtesseract5), then the development link.
        guard let handle = dlopen("libtesseract.so.5", RTLD_NOW | RTLD_LOCAL) ?? dlopen("libtesseract.so", RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "not found"
            return .failure(LoadFailure(message: "the OCR engine (libtesseract5) is not installed: \(reason)"))
        }
        func function<Function>(_ name: String, as type: Function.Type) throws(LoadFailure) -> Function {
            guard let symbol = dlsym(handle, name) else { throw LoadFailure(message: "libtesseract has no \(name)") }
            return unsafeBitCast(symbol, to: type)
        }
        do throws(LoadFailure) {
            return .success(TesseractLibrary(
                version: try function("TessVersion", as: (@convention(c) () -> UnsafePointer<CChar>?).self),
                create: try function("TessBaseAPICreate", as: (@convention(c) () -> OpaquePointer?).self),
                delete: try function("TessBaseAPIDelete", as: (@convention(c) (OpaquePointer?) -> Void).self),
                setVariable: try function("TessBaseAPISetVariable", as: (@convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Int32).self),
                initialize: try function("TessBaseAPIInit2", as: (@convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, TessOcrEngineMode) -> Int32).self),
                setPageSegMode: try function("TessBaseAPISetPageSegMode", as: (@convention(c) (OpaquePointer?, TessPageSegMode) -> Void).self),
                setImage: try function("TessBaseAPISetImage", as: (@convention(c) (OpaquePointer?, UnsafePointer<UInt8>?, Int32, Int32, Int32, Int32) -> Void).self),
                setSourceResolution: try function("TessBaseAPISetSourceResolution", as: (@convention(c) (OpaquePointer?, Int32) -> Void).self),
                recognize: try function("TessBaseAPIRecognize", as: (@convention(c) (OpaquePointer?, OpaquePointer?) -> Int32).self),
                utf8Text: try function("TessBaseAPIGetUTF8Text", as: (@convention(c) (OpaquePointer?) -> UnsafeMutablePointer<CChar>?).self),
                deleteText: try function("TessDeleteText", as: (@convention(c) (UnsafePointer<CChar>?) -> Void).self),
                meanTextConfidence: try function("TessBaseAPIMeanTextConf", as: (@convention(c) (OpaquePointer?) -> Int32).self),
                clear: try function("TessBaseAPIClear", as: (@convention(c) (OpaquePointer?) -> Void).self),
                end: try function("TessBaseAPIEnd", as: (@convention(c) (OpaquePointer?) -> Void).self),
                monitorCreate: try function("TessMonitorCreate", as: (@convention(c) () -> OpaquePointer?).self),
                monitorDelete: try function("TessMonitorDelete", as: (@convention(c) (OpaquePointer?) -> Void).self),
                monitorSetDeadline: try function("TessMonitorSetDeadlineMSecs", as: (@convention(c) (OpaquePointer?, Int32) -> Void).self)
            ))
        } catch {
            return .failure(error)
        }
    }
}
