//! A parent and its children in one statement: a `LEFT JOIN` repeats the
//! parent's columns on each child's row. One round trip to the database
//! instead of two: a pratica and its history (the API's read, about +20%: see
//! bench/RESULTS.md), a pratica and its public history.

use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Statement};

/// Runs `statement`, whose rows all belong to one parent (its columns repeated on
/// each row, the child's all null where the parent has none), and reads the
/// parent once and the children in row order. `None` when there is no row.
pub(crate) async fn parent_with_children<P, C>(
    db: &impl ConnectionTrait,
    statement: Statement,
) -> Result<Option<(P, Vec<C>)>, DbErr>
where
    P: FromQueryResult,
    C: FromQueryResult,
{
    let rows = db.query_all_raw(statement).await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let parent = P::from_query_result(first, "")?;
    let mut children = Vec::with_capacity(rows.len());
    for row in &rows {
        // A non-optional column read as null means the join found no child.
        if let Some(child) = Option::<C>::from_query_result(row, "")? {
            children.push(child);
        }
    }
    Ok(Some((parent, children)))
}

#[cfg(test)]
mod tests {
    use sea_orm::sea_query::{Alias, Expr, Order, Query};
    use sea_orm::{ConnectionTrait, FromQueryResult};

    use super::parent_with_children;

    #[derive(Debug, PartialEq, FromQueryResult)]
    struct Parent {
        name: String,
    }

    #[derive(Debug, PartialEq, FromQueryResult)]
    struct Child {
        label: String,
        note: Option<String>,
    }

    fn child(label: &str, note: Option<&str>) -> Child {
        Child {
            label: label.into(),
            note: note.map(Into::into),
        }
    }

    #[tokio::test]
    async fn reads_the_parent_once_and_each_child_even_with_none() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/rows.db?mode=rwc", dir.path().display());
        let db = crate::connect(&url).await.unwrap();
        for sql in [
            "CREATE TABLE parents (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
            "CREATE TABLE children (parent_id INTEGER NOT NULL, label TEXT NOT NULL, note TEXT)",
            "INSERT INTO parents VALUES (1, 'with two'), (2, 'with none')",
            "INSERT INTO children VALUES (1, 'b', NULL), (1, 'a', 'kept')",
        ] {
            db.execute_unprepared(sql).await.unwrap();
        }
        let parent_id = |id: i32| {
            let query = Query::select()
                .expr_as(Expr::cust("parents.name"), Alias::new("name"))
                .expr_as(Expr::cust("children.label"), Alias::new("label"))
                .expr_as(Expr::cust("children.note"), Alias::new("note"))
                .from(Alias::new("parents"))
                .left_join(
                    Alias::new("children"),
                    Expr::cust("children.parent_id = parents.id"),
                )
                .and_where(Expr::cust_with_values("parents.id = ?", [id]))
                .order_by_expr(Expr::cust("children.label"), Order::Asc)
                .to_owned();
            db.get_database_backend().build(&query)
        };

        let two = parent_with_children::<Parent, Child>(&db, parent_id(1)).await;
        let none = parent_with_children::<Parent, Child>(&db, parent_id(2)).await;
        let missing = parent_with_children::<Parent, Child>(&db, parent_id(3)).await;

        let parent = |name: &str| Parent { name: name.into() };
        assert_eq!(
            two.unwrap(),
            Some((
                parent("with two"),
                vec![child("a", Some("kept")), child("b", None)]
            ))
        );
        assert_eq!(none.unwrap(), Some((parent("with none"), vec![])));
        assert_eq!(missing.unwrap(), None);
    }
}
