// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The merged view as a lazy tree: a directory's children are read (MergedTree::list,
// blocking I/O) in a worker when the view first asks (canFetchMore/fetchMore), and
// arrive in batches as core builds them (the first small: rows show early), each one
// row insertion at the end. Whiteouts are always listed; the filter proxy hides them
// on request, so the toggle costs no rescan. Rows are compact (treerows.h): an
// entry's full facts are read again from the layers when asked for (entry()).

#include "jobs.h"
#include "stack/mergedtree.h"
#include "stack/summary.h"
#include "treerows.h"

#include <QAbstractItemModel>
#include <QFutureWatcherBase>
#include <QHash>
#include <QIcon>
#include <QSet>
#include <memory>

namespace strata::gui {

class MergedTreeModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { NameColumn, LayerColumn, StateColumn, SizeColumn, ModeColumn, OwnerColumn, MtimeColumn, ColumnCount };
    enum Roles {
        PathRole = Qt::UserRole + 1, // merged path as display text ("/a/b")
        PathBytesRole, // merged path bytes (QByteArray, "a/b")
        LayerRole, // int: the layer the visible version comes from
        StateRole, // uint: stack::State bits
        SizeRole, // qulonglong, 0 for dirs
        IsDirRole,
        IsWhiteoutRole,
        ChangeRole, // int: stack::Change, -1 when unmarked
        DirLayersRole, // QList<int>: for dirs, the layers merged here
        NameBytesRole, // the entry's name bytes (QByteArray)
    };

    explicit MergedTreeModel(QObject *parent = nullptr);
    ~MergedTreeModel() override;

    // Shows `tree` (nullptr: empty). Resets the model; pending listings are dropped.
    void setTree(std::shared_ptr<const stack::MergedTree> tree);
    const stack::MergedTree *tree() const { return m_tree.get(); }
    bool isUpperLayer(int layer) const;

    // dive's marking: what the shown layer added, modified, deleted. Empty clears.
    void setChanges(const std::vector<stack::LayerChange> &changes);

    // The entry's full facts, read again from the layers (MergedTree::lookup) in the
    // thread pool, never on the GUI thread: until they arrive (entryRead), what the
    // row knows (entryIsRead() false). Kept until another entry is asked for or the
    // rows change: the pointer is valid until then. An entry that cannot be read any
    // more gets the row's facts and the reason.
    const stack::MergedEntry *entry(const QModelIndex &index) const;
    bool entryIsRead(const QModelIndex &index) const;
    // The same read, blocking the calling thread (tests and tools without an event loop).
    const stack::MergedEntry *readEntry(const QModelIndex &index) const;
    std::string mergedPath(const QModelIndex &index) const;
    // The index of a loaded entry ("" is the invisible root); invalid when not loaded.
    QModelIndex indexForPath(const std::string &path) const;
    int pendingFetches() const { return m_pending; }
    size_t loadedRows() const { return m_rows.rowCount(); }
    size_t bytesHeld() const { return m_rows.bytesHeld(); } // the rows' storage (treerows.h)
    // The directory was listed completely (or failed): no more rows will arrive.
    bool isListed(const QModelIndex &index) const;
    // Live changes (livewatch.h): brings a listed directory's rows to `entries` (the
    // directory as listed now, whiteouts included) in place: rows that went are
    // removed, new ones inserted, changed ones updated (dataChanged), so expansion
    // and selection stay. False when the directory is not listed in this model.
    bool updateDirectory(const std::string &path, std::vector<stack::MergedEntry> entries);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

Q_SIGNALS:
    void directoryLoaded(const QByteArray &path);
    // entry(index) has its full facts now (the read started by entry() landed).
    void entryRead(const QModelIndex &index);
    // A directory that could not be listed, or listed with problems (core's reasons).
    void directoryProblem(const QByteArray &path, const QString &message);
    void loadingChanged(bool loading);

private:
    struct FetchResult;
    uint32_t idOf(const QModelIndex &index) const;
    QModelIndex indexOf(uint32_t id, int column = 0) const; // invalid for the root
    void applyFetch(uint32_t dir, quint64 token, const std::shared_ptr<FetchResult> &result);
    void notifyChanges(uint32_t dir);
    void cancelFetches();
    void removeRows(uint32_t dir, int first, int count);
    void dropFetches(uint32_t id); // a subtree goes: its listings in flight are dropped

    std::shared_ptr<const stack::MergedTree> m_tree;
    TreeRows m_rows;
    quint64 m_generation = 0;
    quint64 m_nextToken = 0;
    int m_pending = 0;
    QSet<QFutureWatcherBase *> m_fetches; // listings in flight, cancelled on reset
    QHash<uint32_t, quint64> m_fetching; // directories whose listing is in flight, by token
    // One entry read again in the background: the selection's (entry()) and the
    // tooltip's of a problem row, apart, so hovering never drops the details' read.
    struct EntrySlot {
        Job *job = nullptr;
        std::optional<stack::MergedEntry> read; // for row `id` as of rows revision `revision`
        uint32_t id = TreeRows::kNone;
        quint64 revision = 0;
        bool reading = false;
        stack::MergedEntry known; // what the row knows, while reading
    };
    const stack::MergedEntry *slotEntry(EntrySlot &slot, uint32_t id, bool tooltip) const;
    stack::MergedEntry rowFacts(uint32_t id) const;
    stack::MergedEntry readNow(uint32_t id) const;
    mutable EntrySlot m_details, m_tooltip;
    quint64 m_revision = 0; // bumped whenever rows change in place or go
    QHash<QByteArray, stack::Change> m_changes;
    QIcon m_dirIcon, m_fileIcon, m_linkIcon, m_otherIcon, m_whiteoutIcon;
};

} // namespace strata::gui
