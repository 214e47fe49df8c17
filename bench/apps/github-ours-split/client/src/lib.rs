//! GitHub's REST API (@octokit/openapi 23.0.2), generated; nothing else.

pub mod github {
    sdk_runtime::generate_client!(
        "../../packages/@octokit+openapi/package/generated/api.github.com.json"
    );
}
