import CTesseract
import Foundation
import Synchronization

/// A grey picture of one page, one byte per pixel (0 black, 255 white), row after row: what
/// Tesseract reads best, and a quarter of the memory of a colour one.
struct GrayImage {
    var width: Int
    var height: Int
    var pixels: [UInt8]
    /// The resolution the page was drawn at; nil for an uploaded image, whose stated
    /// resolution is rarely true (Tesseract then estimates it from the text's size).
    var dotsPerInch: Int?
}

/// What Tesseract made of one picture.
struct Recognition {
    enum Outcome {
        case recognized(text: String, confidence: Int)
        /// The page's time limit passed first.
        case timedOut
        /// The engine refused the picture or its languages.
        case failed(String)
    }

    var outcome: Outcome
    var seconds: Double
}

/// The one door to Tesseract: engines kept warm per language set for the life of the process.
///
/// Loading a language's trained model costs from a tenth of a second (English) to more than a
/// second (Japanese, Chinese), more than recognising a page. So an engine, once initialised
/// for a set of languages, is kept and reused by every later page that asks for that set; a
/// worker process serves hundreds of documents. A `TessBaseAPI` must not be used by two
/// threads at once: each engine is used under ``engines``' lock only. A few sets at most are
/// kept (a worker sees a few countries); the least recently used is ended beyond that.
enum TextRecognizer {
    /// Tesseract's version, e.g. `5.3.0`; nil when libtesseract cannot be opened.
    static var version: String? {
        guard case let .success(tesseract) = TesseractLibrary.loaded, let version = tesseract.version() else { return nil }
        return String(cString: version)
    }

    /// How many language sets stay initialised in one process.
    static let maxWarmEngines = 4

    private static let engines = Mutex(EngineCache())

    /// The languages whose trained data is installed (`eng`, `fra`, …), read once.
    static let installedLanguages: Set<String> = {
        var found: Set<String> = []
        for directory in dataDirectories {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name.hasSuffix(".traineddata") {
                found.insert(String(name.dropLast(".traineddata".count)))
            }
        }
        found.remove("osd")
        return found
    }()

    /// Where Debian and upstream builds keep trained data; `TESSDATA_PREFIX` first, as
    /// Tesseract itself reads it.
    private static var dataDirectories: [String] {
        var directories: [String] = []
        if let prefix = ProcessInfo.processInfo.environment["TESSDATA_PREFIX"], !prefix.isEmpty { directories.append(prefix) }
        directories += ["/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata", "/usr/share/tessdata", "/usr/local/share/tessdata"]
        return directories.filter { FileManager.default.fileExists(atPath: $0) }
    }

    /// Initialises the engine for `languages` now (loading their models), so that the first
    /// page a worker is sent costs what every other one costs. Returns the reason when the
    /// engine cannot start (a language not installed).
    @discardableResult
    static func warmUp(languages: [String]) -> String? {
        engines.withLock { cache in
            switch cache.engine(for: languages) {
            case .success: nil
            case let .failure(error): error.message
            }
        }
    }

    /// Recognises the text of `image` in `languages` (Tesseract codes, joined by `+`), giving
    /// up after `timeLimit` seconds of recognition.
    static func recognize(_ image: GrayImage, languages: [String], timeLimit: Double) -> Recognition {
        let start = ContinuousClock.now
        func elapsed() -> Double {
            let (seconds, attoseconds) = (ContinuousClock.now - start).components
            return Double(seconds) + Double(attoseconds) / 1e18
        }
        return engines.withLock { cache in
            let engine: Engine
            switch cache.engine(for: languages) {
            case let .success(warm): engine = warm
            case let .failure(error): return Recognition(outcome: .failed(error.message), seconds: elapsed())
            }
            let outcome = engine.recognize(image, timeLimit: timeLimit)
            return Recognition(outcome: outcome, seconds: elapsed())
        }
    }
}

/// An engine could not start: its message names the languages.
private struct EngineFailure: Error {
    var message: String
}

/// One initialised `TessBaseAPI`. Used only under ``TextRecognizer``'s lock.
private final class Engine {
    let tesseract: TesseractLibrary
    let handle: OpaquePointer
    let languages: String

    init(languages: [String]) throws(EngineFailure) {
        let joined = languages.joined(separator: "+")
        guard !languages.isEmpty, languages.allSatisfy({ TextRecognizer.installedLanguages.contains($0) }) else {
            let missing = languages.filter { !TextRecognizer.installedLanguages.contains($0) }
            throw EngineFailure(message: "the OCR languages \(missing.joined(separator: ", ")) are not installed (tesseract-ocr-\(missing.first ?? "eng"))")
        }
        let tesseract: TesseractLibrary
        switch TesseractLibrary.loaded {
        case let .success(library): tesseract = library
        case let .failure(failure): throw EngineFailure(message: failure.message)
        }
        guard let handle = tesseract.create() else { throw EngineFailure(message: "the OCR engine could not be created") }
        // Tesseract's own chatter ("Estimating resolution as …") goes nowhere: a worker's stderr
        // is the operator's log.
        _ = tesseract.setVariable(handle, "debug_file", "/dev/null")
        // OEM_DEFAULT: what the `tesseract` command uses, so both read a page the same way.
        guard tesseract.initialize(handle, nil, joined, OEM_DEFAULT) == 0 else {
            tesseract.delete(handle)
            throw EngineFailure(message: "the OCR engine could not load the languages \(joined)")
        }
        _ = tesseract.setVariable(handle, "debug_file", "/dev/null")
        tesseract.setPageSegMode(handle, PSM_AUTO)
        self.tesseract = tesseract
        self.handle = handle
        self.languages = joined
    }

    deinit {
        tesseract.end(handle)
        tesseract.delete(handle)
    }

    func recognize(_ image: GrayImage, timeLimit: Double) -> Recognition.Outcome {
        defer { tesseract.clear(handle) }
        image.pixels.withUnsafeBufferPointer { pixels in
            tesseract.setImage(handle, pixels.baseAddress, Int32(image.width), Int32(image.height), 1, Int32(image.width))
        }
        if let dotsPerInch = image.dotsPerInch { tesseract.setSourceResolution(handle, Int32(dotsPerInch)) }
        guard let monitor = tesseract.monitorCreate() else { return .failed("the OCR engine could not start a page") }
        defer { tesseract.monitorDelete(monitor) }
        let milliseconds = Int32(clamping: Int((max(timeLimit, 0.001) * 1000).rounded(.up)))
        tesseract.monitorSetDeadline(monitor, milliseconds)
        let start = ContinuousClock.now
        guard tesseract.recognize(handle, monitor) == 0 else {
            // Recognize fails when the deadline cut it short, or on a picture it cannot lay out.
            let (seconds, attoseconds) = (ContinuousClock.now - start).components
            let elapsed = Double(seconds) + Double(attoseconds) / 1e18
            return elapsed >= timeLimit * 0.95 ? .timedOut : .failed("the OCR engine could not read the page")
        }
        guard let text = tesseract.utf8Text(handle) else { return .recognized(text: "", confidence: 0) }
        defer { tesseract.deleteText(text) }
        let confidence = Int(tesseract.meanTextConfidence(handle))
        return .recognized(text: String(cString: text), confidence: max(0, min(100, confidence)))
    }
}

/// The warm engines, most recently used last.
private struct EngineCache {
    var engines: [Engine] = []
    /// Languages that failed to load, so a missing pack is reported, not retried per page.
    var failures: [String: EngineFailure] = [:]

    mutating func engine(for languages: [String]) -> Result<Engine, EngineFailure> {
        let key = languages.joined(separator: "+")
        if let index = engines.firstIndex(where: { $0.languages == key }) {
            let engine = engines.remove(at: index)
            engines.append(engine)
            return .success(engine)
        }
        if let failure = failures[key] { return .failure(failure) }
        do throws(EngineFailure) {
            let engine = try Engine(languages: languages)
            if engines.count >= TextRecognizer.maxWarmEngines { engines.removeFirst() }
            engines.append(engine)
            return .success(engine)
        } catch {
            failures[key] = error
            return .failure(error)
        }
    }
}
