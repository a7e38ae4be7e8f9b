import CCairo

/// Document information written into the PDF's Info dictionary. Every field is fixed by the
/// caller (including the dates) so the same drawing always produces the same bytes.
public struct PDFMetadata: Equatable, Sendable {
    /// Shown as the window title by viewers.
    public var title: String
    /// The issuing body or person.
    public var author: String
    /// What the document is about.
    public var subject: String
    /// The program that drew the content.
    public var creator: String
    /// ISO 8601 date-time, e.g. `2024-03-15T09:30:00Z`; fixed for reproducible output.
    public var creationDate: String
    /// ISO 8601 date-time of the last change; the creation date when nil.
    public var modificationDate: String?

    /// Creates metadata; `creationDate` defaults to a fixed instant rather than "now".
    public init(
        title: String,
        author: String = "",
        subject: String = "",
        creator: String = "Paperwork",
        creationDate: String = "2024-03-15T09:30:00Z",
        modificationDate: String? = nil
    ) {
        self.title = title
        self.author = author
        self.subject = subject
        self.creator = creator
        self.creationDate = creationDate
        self.modificationDate = modificationDate
    }
}

/// A multi-page PDF drawn with cairo and pango: real text (selectable, extractable), embedded
/// font subsets, vector shapes. Collects the file in memory; call `finish()` once at the end.
public final class PDFCanvas: Canvas {
    private let surface: OpaquePointer
    private let sink: ByteSink
    private var finishedBytes: [UInt8]?

    /// Starts a document whose first page has `pageSize` (points).
    public init(pageSize: Size = .a4, metadata: PDFMetadata) throws {
        let sink = ByteSink()
        guard let surface = cairo_pdf_surface_create_for_stream(writeToByteSink, sink.opaquePointer, pageSize.width, pageSize.height) else {
            throw DrawingError(code: "cairo_failure", message: "could not create a PDF surface")
        }
        let surfaceStatus = cairo_surface_status(surface)
        guard surfaceStatus == CAIRO_STATUS_SUCCESS else {
            cairo_surface_destroy(surface)
            throw DrawingError(code: "cairo_failure", message: "PDF surface: \(String(cString: cairo_status_to_string(surfaceStatus)))")
        }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, metadata.title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, metadata.author)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, metadata.subject)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, metadata.creator)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, metadata.creationDate)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, metadata.modificationDate ?? metadata.creationDate)
        self.surface = surface
        self.sink = sink
        super.init(context: cairo_create(surface), pageSize: pageSize)
    }

    deinit {
        // Finish now, while `sink` is certainly alive: the cairo context (released later, by
        // the base class) still references the surface, and an unfinished surface would
        // flush into the write callback when that last reference goes.
        cairo_surface_finish(surface)
        cairo_surface_destroy(surface)
    }

    override var embedsEncodedImages: Bool { true }

    /// Ends the current page and starts another, optionally of a different size.
    public func newPage(size: Size? = nil) {
        cairo_show_page(context)
        if let size {
            cairo_pdf_surface_set_size(surface, size.width, size.height)
            pageSize = size
        }
    }

    /// Closes the document and returns the complete PDF file. Calling it again returns the same
    /// bytes; drawing after it has no effect.
    public func finish() throws -> [UInt8] {
        if let finishedBytes { return finishedBytes }
        try checkStatus("drawing PDF")
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw DrawingError(code: "cairo_failure", message: "finishing PDF: \(String(cString: cairo_status_to_string(status)))")
        }
        finishedBytes = sink.bytes
        return sink.bytes
    }
}
