import Foundation
import Hummingbird
import Intake
import NIOCore
import Store
import Workflow

/// Certificate uploads and what customers and reviewers read about them.
struct CertificatesController {
    let intake: CertificateIntake
    let views: CertificateViews
    let queue: ReviewQueue
    let companies: Companies

    struct CertificateResponse: ResponseEncodable {
        var id: String
        var company_id: String
        var status: String
        var verdict: String
        var reasons: [String]
        var flags: [String]
        var sniffed_mime: String
        var pages: Int
        var size: Int
        var sha256: String
        var file_name: String?
        var created_at: String
        var due_at: String?
        var decisions: [DecisionResponse]?

        init(_ record: CertificateRecord, decisions: [DecisionRecord]? = nil) {
            id = record.id
            company_id = record.companyID
            status = record.status.rawValue
            verdict = record.verdict
            reasons = record.reasons
            flags = record.flags
            sniffed_mime = record.sniffedMIME
            pages = record.pages
            size = record.size
            sha256 = record.sha256
            file_name = record.fileName
            created_at = record.createdAt
            due_at = record.dueAt
            self.decisions = decisions.map { $0.map(DecisionResponse.init) }
        }
    }

    struct DecisionResponse: Encodable {
        var outcome: String
        var reason_code: String
        var message: String
        var internal_note: String?
        var company_type: String?
        var reviewer: String?
        var created_at: String

        init(_ decision: DecisionRecord) {
            outcome = decision.outcome
            reason_code = decision.reasonCode
            message = decision.message
            internal_note = decision.internalNote
            company_type = decision.companyType
            reviewer = decision.internalNote == nil ? nil : decision.reviewer
            created_at = decision.createdAt
        }
    }

    struct CertificateList: ResponseEncodable { var certificates: [CertificateResponse] }
    struct TextResponse: ResponseEncodable { var certificate_id: String; var pages: [PageTextResponse]; var ocr: OCRStatusResponse? }
    struct DecisionRequest: Decodable {
        var outcome: String
        var reason_code: String
        var message: String?
        var internal_note: String?
        var company_type: String?
    }
    struct ReviewResponse: ResponseEncodable {
        var certificate: CertificateResponse
        var company: CompanyResponse
        var evidence: EvidenceResponse
        var flags: [String]
        var signals: [SignalResponse]
        var findings: [FindingResponse]
        var metadata: DocumentMetadataResponse?
        var page_count: Int
        var text_url: String
        var preview_urls: [String]
        var ocr: OCRStatusResponse?
    }

    func addRoutes(to router: Router<PaperworkRequestContext>) {
        router.post("v1/companies/{id}/certificates") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let companyID = try context.parameters.require("id")
            // The caller must be allowed before the body is read at all.
            let permit = try await intake.permit(companyID, by: principal)
            let upload = try await readUpload(request, context: context)
            let outcome = try await intake.upload(upload, with: permit)
            var headers: HTTPFields = [.location: "/v1/certificates/\(outcome.certificate.id)"]
            if outcome.replayed { headers[.init("Idempotency-Replayed")!] = "true" }
            if outcome.certificate.status == .rejected {
                var error = APIError(.unprocessableContent, code: "certificate_refused", detail: "the file was refused: \(outcome.certificate.reasons.joined(separator: ", ")); it is kept for reference but will not be reviewed")
                error.reasons = outcome.certificate.reasons
                error.certificateID = outcome.certificate.id
                var response = try error.response(from: request, context: context)
                response.headers.append(contentsOf: headers)
                return response
            }
            return try CertificateResponse(outcome.certificate).response(from: request, context: context).withStatus(.created, headers: headers)
        }

        router.get("v1/companies/{id}/certificates") { _, context -> CertificateList in
            let principal = try context.requirePrincipal()
            let companyID = try context.parameters.require("id")
            _ = try await companies.access(companyID, by: principal)
            let records = try await intake.certificates(ofCompany: companyID)
            return CertificateList(certificates: records.map { CertificateResponse($0) })
        }

        router.get("v1/certificates/{id}") { _, context -> CertificateResponse in
            let principal = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            let record = try await views.certificate(id, by: principal)
            return CertificateResponse(record, decisions: try await views.customerDecisions(id, by: principal))
        }

        router.get("v1/certificates/{id}/text") { _, context -> TextResponse in
            let principal = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            let inspection = try await views.inspection(id, by: principal)
            let job = try await views.ocrJob(id, by: principal)
            return TextResponse(certificate_id: id, pages: PageTextResponse.pages(of: inspection), ocr: job.map { OCRStatusResponse(job: $0, inspection: inspection) })
        }

        router.get("v1/certificates/{id}/pages/{page}/preview.png") { _, context -> Response in
            let principal = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            guard let page = Int(try context.parameters.require("page")) else { throw APIError.notFound("page") }
            let png = try await views.preview(id, page: page, by: principal)
            return Response(
                status: .ok,
                headers: [.contentType: "image/png", .cacheControl: "private, max-age=3600", .init("X-Content-Type-Options")!: "nosniff"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: png))
            )
        }

        router.get("v1/certificates/{id}/review") { _, context -> ReviewResponse in
            let principal = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            let review = try await views.review(id, by: principal)
            return ReviewResponse(
                certificate: CertificateResponse(review.certificate, decisions: review.decisions),
                company: CompanyResponse(company: review.company),
                evidence: EvidenceResponse(review.inspection.evidence), flags: review.inspection.flags.map(\.rawValue),
                signals: review.inspection.signals.map(SignalResponse.init),
                findings: review.inspection.findings.map(FindingResponse.init),
                metadata: review.inspection.metadata.map(DocumentMetadataResponse.init), page_count: review.certificate.pages,
                text_url: "/v1/certificates/\(id)/text",
                preview_urls: (0..<max(review.certificate.pages, 1)).map { "/v1/certificates/\(id)/pages/\($0 + 1)/preview.png" },
                ocr: review.ocrJob.map { OCRStatusResponse(job: $0, inspection: review.inspection) }
            )
        }

        router.post("v1/certificates/{id}/decision") { request, context -> CertificateResponse in
            let principal = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            let body = try await RequestBody.json(DecisionRequest.self, from: request)
            let record = try await queue.decide(id, .init(outcome: body.outcome, reasonCode: body.reason_code, message: body.message, internalNote: body.internal_note, companyType: body.company_type), by: principal)
            return CertificateResponse(record)
        }
    }

    /// The upload as `multipart/form-data` (field `file`) or as a raw body with its
    /// Content-Type and a file name (`?file_name=` or `Content-Disposition`), capped while it streams.
    func readUpload(_ request: Request, context: PaperworkRequestContext) async throws -> CertificateIntake.Upload {
        let key = request.headers[.init("Idempotency-Key")!]
        let limit = intake.policy.maxUploadBytes
        if MultipartForm.isMultipart(request) {
            let form = try await MultipartForm.read(request, limit: limit + 64 * 1024)
            guard let file = form["file"] else {
                throw APIError(.badRequest, code: "missing_field", detail: "send the certificate as the form field 'file'")
            }
            guard file.bytes.count <= limit else { throw RequestBody.tooLarge(limit) }
            return .init(bytes: file.bytes, fileName: file.fileName, mimeType: file.contentType, idempotencyKey: key)
        }
        let buffer = try await RequestBody.collect(request, limit: limit)
        let fileName = request.uri.queryParameters["file_name"].map(String.init)
            ?? request.headers[.contentDisposition].flatMap { HeaderParameters.value(of: "filename", in: $0) }
        return .init(bytes: Array(buffer: buffer), fileName: fileName, mimeType: request.headers[.contentType], idempotencyKey: key)
    }
}

extension Response {
    /// The same response with another status and extra headers.
    func withStatus(_ status: HTTPResponse.Status, headers extra: HTTPFields) -> Response {
        var response = self
        response.status = status
        response.headers.append(contentsOf: extra)
        return response
    }
}
