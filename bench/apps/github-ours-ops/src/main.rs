//! Twenty GitHub calls with the client generated from GitHub's own description, by
//! `generate_client!` in this file with `operations = [...]`: only the 20 operations the
//! calls make, by operation id; otherwise the same app as `github-ours`. Built by
//! bench/apps/run.sh, never run.

mod github {
    sdk_runtime::generate_client!(
        "../packages/@octokit+openapi/package/generated/api.github.com.json",
        operations = [
            "users/get-authenticated",
            "repos/list-for-user",
            "repos/get",
            "issues/list-for-repo",
            "issues/get",
            "issues/create",
            "issues/update",
            "issues/list-comments",
            "issues/create-comment",
            "pulls/list",
            "pulls/get",
            "pulls/create",
            "pulls/list-files",
            "repos/list-releases",
            "repos/get-latest-release",
            "repos/create-release",
            "repos/list-branches",
            "repos/list-tags",
            "repos/get-readme",
            "actions/list-workflow-runs-for-repo",
        ]
    );
}

use github::types;

/// The harness changes this line to time a rebuild after a one-line edit.
const EDIT: &str = "edit 0";

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("{EDIT}");
    let github = github::Client::builder()
        .base_url(env("GITHUB_BASE_URL", "https://api.github.com"))
        .bearer_token(std::env::var("GITHUB_TOKEN")?)
        .build()?;
    let owner = env("GITHUB_OWNER", "octocat");
    let repo = env("GITHUB_REPO", "hello-world");
    let (owner, repo) = (owner.as_str(), repo.as_str());

    // 1. Get the authenticated user.
    let me = github.users().users_get_authenticated().await?;
    let login = match &*me {
        types::UsersGetAuthenticatedResponse::PrivateUser(user) => user.login.as_str(),
        types::UsersGetAuthenticatedResponse::PublicUser(user) => user.login.as_str(),
        _ => "(unknown)",
    };
    println!("1 user {login}");
    // 2. List repositories for a user.
    let theirs = github
        .repos()
        .repos_list_for_user(owner)
        .per_page(10)
        .await?;
    println!("2 repos {:?}", theirs.first().map(|r| &r.name));
    // 3. Get a repository.
    let repository = github.repos().repos_get(owner, repo).await?;
    println!("3 repo {}", repository.full_name);
    // 4. List issues of a repository.
    let open = github
        .issues()
        .issues_list_for_repo(owner, repo)
        // Each operation's own name for its parameter's type: the whole client merges the
        // identical enums under `IssuesListState`, of an operation this client leaves out.
        .state(&types::IssuesListForRepoState::Open)
        .per_page(10)
        .await?;
    println!("4 issues {:?}", open.first().map(|i| &i.title));
    // 5. Get an issue.
    let issue = github.issues().issues_get(owner, repo, 1).await?;
    println!("5 issue {}", issue.title);
    // 6. Create an issue.
    let new_issue = types::IssuesCreateBody {
        title: types::IssuesCreateBodyTitle::String("Found a bug".into()),
        body: Some("It does not work.".into()),
        labels: Some(vec![types::IssuesCreateBodyLabelsItem::String(
            "bug".into(),
        )]),
        assignee: None,
        milestone: None,
        assignees: None,
        issue_field_values: None,
        r#type: None,
    };
    let created = github
        .issues()
        .issues_create(owner, repo, &new_issue)
        .await?;
    println!("6 created issue {}", created.number);
    // 7. Update an issue.
    let change = types::IssuesUpdateBody {
        title: Some(types::IssuesUpdateBodyTitle::String(
            "Found a bug (confirmed)".into(),
        )),
        state: Some(types::IssuesUpdateBodyState::Closed),
        ..Default::default()
    };
    let updated = github
        .issues()
        .issues_update(owner, repo, created.number)
        .body(&change)
        .await?;
    println!("7 updated issue {}", updated.state);
    // 8. List the comments of an issue.
    let comments = github
        .issues()
        .issues_list_comments(owner, repo, issue.number)
        .per_page(10)
        .await?;
    println!("8 comments {:?}", comments.first().map(|c| &c.body));
    // 9. Comment on an issue.
    let comment = types::IssuesCreateCommentBody {
        body: "Me too.".into(),
    };
    let comment = github
        .issues()
        .issues_create_comment(owner, repo, issue.number, &comment)
        .await?;
    println!("9 comment {}", comment.id);
    // 10. List pull requests.
    let open_pulls = github
        .pulls()
        .pulls_list(owner, repo)
        .state(&types::PullsListState::Open)
        .per_page(10)
        .await?;
    println!("10 pulls {:?}", open_pulls.first().map(|p| &p.title));
    // 11. Get a pull request.
    let pull = github.pulls().pulls_get(owner, repo, 1).await?;
    println!("11 pull {}", pull.title);
    // 12. Create a pull request.
    let new_pull = types::PullsCreateBody {
        title: Some("Fix the bug".into()),
        head: "fix-branch".into(),
        base: "main".into(),
        body: Some("Fixes the bug.".into()),
        head_repo: None,
        maintainer_can_modify: None,
        draft: None,
        issue: None,
    };
    let new_pull = github.pulls().pulls_create(owner, repo, &new_pull).await?;
    println!("12 created pull {}", new_pull.number);
    // 13. List the files of a pull request.
    let files = github
        .pulls()
        .pulls_list_files(owner, repo, pull.number)
        .await?;
    println!("13 files {:?}", files.first().map(|f| &f.filename));
    // 14. List releases.
    let releases = github
        .repos()
        .repos_list_releases(owner, repo)
        .per_page(10)
        .await?;
    println!("14 releases {:?}", releases.first().map(|r| &r.tag_name));
    // 15. Get the latest release.
    let latest = github.repos().repos_get_latest_release(owner, repo).await?;
    println!("15 latest release {}", latest.tag_name);
    // 16. Create a release.
    let new_release = types::ReposCreateReleaseBody {
        tag_name: "v1.0.0".into(),
        name: Some("Version 1.0.0".into()),
        body: Some("Announcing 1.0.0.".into()),
        draft: Some(true),
        target_commitish: None,
        prerelease: None,
        discussion_category_name: None,
        generate_release_notes: None,
        make_latest: None,
    };
    let release = github
        .repos()
        .repos_create_release(owner, repo, &new_release)
        .await?;
    println!("16 created release {}", release.id);
    // 17. List branches.
    let branches = github
        .repos()
        .repos_list_branches(owner, repo)
        .per_page(10)
        .await?;
    println!("17 branches {:?}", branches.first().map(|b| &b.name));
    // 18. List tags.
    let tags = github
        .repos()
        .repos_list_tags(owner, repo)
        .per_page(10)
        .await?;
    println!("18 tags {:?}", tags.first().map(|t| &t.name));
    // 19. Get the README.
    let readme = github.repos().repos_get_readme(owner, repo).await?;
    println!("19 readme {} ({} bytes)", readme.path, readme.size);
    // 20. List the workflow runs of a repository.
    let runs = github
        .actions()
        .actions_list_workflow_runs_for_repo(owner, repo)
        .per_page(10)
        .await?;
    println!("20 runs {:?}", runs.workflow_runs.first().map(|r| &r.name));
    Ok(())
}
