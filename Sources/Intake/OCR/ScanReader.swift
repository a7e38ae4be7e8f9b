import Foundation

/// Reads the pages of a scan by OCR: a PDF's pages drawn in grey at the policy's resolution,
/// an image as it is.
///
/// Only a document intake accepted as image-only (``Verdict/needsVisualReview``) is read: a
/// text layer is better evidence than OCR, and a refused file is never drawn. A page that
/// cannot be read costs that page only; the others are still read.
enum ScanReader {
    /// The OCR of every examined page of `raw`, which intake found to be `inspection`.
    static func read(_ raw: UnsafeRawBufferPointer, inspection: Inspection, limits: IntakeLimits, policy: OCRPolicy) -> [PageOCR] {
        switch inspection.sniffedMIME {
        case "application/pdf":
            return (1...max(1, min(inspection.pages, limits.maxPages))).map { page in
                let drawing: PopplerReader.OCRDrawing
                do throws(PDFOpenFailure) {
                    drawing = try PopplerReader.drawForOCR(raw, page: page, policy: policy)
                } catch {
                    drawing = .skipped("the PDF could not be opened again")
                }
                switch drawing {
                case let .drawn(image): return recognize(image, page: page, policy: policy)
                case let .skipped(reason): return skipped(page: page, reason: reason, policy: policy)
                }
            }
        case "image/png", "image/jpeg":
            switch decode(raw, isPNG: inspection.sniffedMIME == "image/png", policy: policy) {
            case let .success(image): return [recognize(image, page: 1, policy: policy)]
            case let .failure(skip): return [skipped(page: 1, reason: skip.reason, policy: policy)]
            }
        default:
            return []
        }
    }

    private struct Skip: Error {
        var reason: String
    }

    /// The image at full size, in grey; refused above the policy's pixel limit.
    private static func decode(_ raw: UnsafeRawBufferPointer, isPNG: Bool, policy: OCRPolicy) -> Result<GrayImage, Skip> {
        let bytes = raw.bindMemory(to: UInt8.self)
        guard let structure = isPNG ? ImageStructure(png: bytes) : ImageStructure(jpeg: bytes) else {
            return .failure(Skip(reason: "the image header is damaged"))
        }
        guard structure.pixels <= policy.maxPixelsPerPage else {
            return .failure(Skip(reason: "the image has \(structure.width)×\(structure.height) pixels; OCR reads at most \(policy.maxPixelsPerPage)"))
        }
        do throws(ImageDecoder.Failure) {
            let decoded = isPNG
                ? try ImageDecoder.decodePNG(raw)
                : try ImageDecoder.decodeJPEG(raw, width: structure.width, height: structure.height, isCMYK: structure.isCMYK, targetSide: max(structure.width, structure.height))
            return .success(decoded.picture.grayImage(dotsPerInch: nil))
        } catch {
            guard case let .undecodable(message) = error else { return .failure(Skip(reason: "the image could not be decoded")) }
            return .failure(Skip(reason: message))
        }
    }

    private static func recognize(_ image: GrayImage, page: Int, policy: OCRPolicy) -> PageOCR {
        let recognition = TextRecognizer.recognize(image, languages: policy.languages, timeLimit: policy.secondsPerPage)
        var result = PageOCR(page: page, status: .recognized, text: "", confidence: 0, languages: policy.languages, dotsPerInch: image.dotsPerInch, seconds: recognition.seconds)
        switch recognition.outcome {
        case let .recognized(text, confidence):
            result.text = text
            result.confidence = confidence
        case .timedOut:
            result.status = .timedOut
            result.reason = "recognition took longer than \(policy.secondsPerPage) seconds"
        case let .failed(message):
            result.status = .failed
            result.reason = message
        }
        return result
    }

    private static func skipped(page: Int, reason: String, policy: OCRPolicy) -> PageOCR {
        PageOCR(page: page, status: .skipped, text: "", confidence: 0, languages: policy.languages, reason: reason, seconds: 0)
    }
}
