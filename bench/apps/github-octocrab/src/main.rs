//! Twenty GitHub calls with octocrab, each decoded into octocrab's models; the same calls as
//! `github-ours`. Built by bench/apps/run.sh, never run.

use octocrab::Octocrab;
use octocrab::params;

/// The harness changes this line to time a rebuild after a one-line edit.
const EDIT: &str = "edit 0";

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("{EDIT}");
    let github = Octocrab::builder()
        .personal_token(std::env::var("GITHUB_TOKEN")?)
        .base_uri(env("GITHUB_BASE_URL", "https://api.github.com"))?
        .build()?;
    let owner = env("GITHUB_OWNER", "octocat");
    let repo = env("GITHUB_REPO", "hello-world");
    let issues = github.issues(&owner, &repo);
    let pulls = github.pulls(&owner, &repo);
    let repos = github.repos(&owner, &repo);

    // 1. Get the authenticated user.
    let me = github.current().user().await?;
    println!("1 user {}", me.login);
    // 2. List repositories for a user.
    let theirs = github.users(&owner).repos().per_page(10).send().await?;
    println!("2 repos {:?}", theirs.items.first().map(|r| &r.name));
    // 3. Get a repository.
    let repository = repos.get().await?;
    println!("3 repo {:?}", repository.full_name);
    // 4. List issues of a repository.
    let open = issues
        .list()
        .state(params::State::Open)
        .per_page(10)
        .send()
        .await?;
    println!("4 issues {:?}", open.items.first().map(|i| &i.title));
    // 5. Get an issue.
    let issue = issues.get(1).await?;
    println!("5 issue {}", issue.title);
    // 6. Create an issue.
    let created = issues
        .create("Found a bug")
        .body("It does not work.")
        .labels(vec!["bug".to_owned()])
        .send()
        .await?;
    println!("6 created issue {}", created.number);
    // 7. Update an issue.
    let updated = issues
        .update(created.number)
        .title("Found a bug (confirmed)")
        .state(octocrab::models::IssueState::Closed)
        .send()
        .await?;
    println!("7 updated issue {:?}", updated.state);
    // 8. List the comments of an issue.
    let comments = issues
        .list_comments(issue.number)
        .per_page(10)
        .send()
        .await?;
    println!("8 comments {:?}", comments.items.first().map(|c| &c.body));
    // 9. Comment on an issue.
    let comment = issues.create_comment(issue.number, "Me too.").await?;
    println!("9 comment {}", comment.id);
    // 10. List pull requests.
    let open_pulls = pulls
        .list()
        .state(params::State::Open)
        .per_page(10)
        .send()
        .await?;
    println!("10 pulls {:?}", open_pulls.items.first().map(|p| &p.title));
    // 11. Get a pull request.
    let pull = pulls.get(1).await?;
    println!("11 pull {:?}", pull.title);
    // 12. Create a pull request.
    let new_pull = pulls
        .create("Fix the bug", "fix-branch", "main")
        .body("Fixes the bug.")
        .send()
        .await?;
    println!("12 created pull {}", new_pull.number);
    // 13. List the files of a pull request.
    let files = pulls.list_files(pull.number).await?;
    println!("13 files {:?}", files.items.first().map(|f| &f.filename));
    // 14. List releases.
    let releases = repos.releases().list().per_page(10).send().await?;
    println!(
        "14 releases {:?}",
        releases.items.first().map(|r| &r.tag_name)
    );
    // 15. Get the latest release.
    let latest = repos.releases().get_latest().await?;
    println!("15 latest release {}", latest.tag_name);
    // 16. Create a release.
    let release = repos
        .releases()
        .create("v1.0.0")
        .name("Version 1.0.0")
        .body("Announcing 1.0.0.")
        .draft(true)
        .send()
        .await?;
    println!("16 created release {}", release.id);
    // 17. List branches.
    let branches = repos.list_branches().per_page(10).send().await?;
    println!("17 branches {:?}", branches.items.first().map(|b| &b.name));
    // 18. List tags.
    let tags = repos.list_tags().per_page(10).send().await?;
    println!("18 tags {:?}", tags.items.first().map(|t| &t.name));
    // 19. Get the README.
    let readme = repos.get_readme().send().await?;
    println!("19 readme {} ({} bytes)", readme.path, readme.size);
    // 20. List the workflow runs of a repository.
    let runs = github
        .workflows(&owner, &repo)
        .list_all_runs()
        .per_page(10)
        .send()
        .await?;
    println!("20 runs {:?}", runs.items.first().map(|r| &r.name));
    Ok(())
}
