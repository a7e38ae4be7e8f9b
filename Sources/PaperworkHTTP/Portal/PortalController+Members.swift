import Hummingbird
import Workflow

extension PortalController {
    /// The portal's member pages (see addRoutes(to:)).
    static let memberPaths: Set<String> = []

    /// The templates the member pages render.
    static let memberTemplates: [String] = []

    func addMemberRoutes(to router: Router<PaperworkRequestContext>) {
    }
}
