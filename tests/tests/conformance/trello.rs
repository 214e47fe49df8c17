//! `trello.com.json`: API key and token both as security schemes in the query *and* as
//! required query parameters, slash-containing property names, success responses without
//! content.

use serde_json::json;

use crate::run::{Known, Run, conformance_test};
use crate::{BoxError, TOKEN};

conformance_test!(trello, "../spec/real/trello.com.json", KNOWN, calls);

const KNOWN: &[Known] = &[];

async fn calls(run: &mut Run<'_>) -> Result<(), BoxError> {
    let client = api::Client::builder()
        .base_url(run.url())
        .api_key(TOKEN)
        .build()?;
    // The document declares its key and token as query parameters too; passed values win
    // over the credentials, and each goes out once.
    let (key, token) = ("trello-key", "trello-token");
    // Lists.
    run.call(
        "getBoardsCardsByIdBoard",
        client
            .board()
            .get_boards_cards_by_id_board("5a1b2c3d", key, token)
            .await,
    );
    run.call(
        "getBoardsListsByIdBoard",
        client
            .board()
            .get_boards_lists_by_id_board("5a1b2c3d", key, token)
            .await,
    );
    run.call(
        "getMembersBoardsByIdMember",
        client
            .member()
            .get_members_boards_by_id_member("me", key, token)
            .await,
    );
    // Gets.
    run.call(
        "getBoardsByIdBoard",
        client
            .board()
            .get_boards_by_id_board("5a1b2c3d", key, token)
            .await,
    );
    run.call(
        "getCardsByIdCard",
        client.card().get_cards_by_id_card("c1", key, token).await,
    );
    run.call(
        "getListsByIdList",
        client.list().get_lists_by_id_list("l1", key, token).await,
    );
    // Creates.
    let board: api::types::Boards = serde_json::from_value(json!({
        "name": "Roadmap",
        "desc": "What comes next",
        "prefs/permissionLevel": "private",
        "labelNames/green": "done",
    }))?;
    run.call(
        "addBoards",
        client.board().add_boards(key, token, &board).await,
    );
    let card: api::types::Cards = serde_json::from_value(json!({
        "name": "Write the tests",
        "idList": "l1",
        "due": "2024-06-01",
    }))?;
    run.call("addCards", client.card().add_cards(key, token, &card).await);
    let list: api::types::Lists =
        serde_json::from_value(json!({"name": "Doing", "idBoard": "5a1b2c3d"}))?;
    run.call("addLists", client.list().add_lists(key, token, &list).await);
    Ok(())
}
