// SPDX-License-Identifier: GPL-2.0-or-later
#include "mergedtreemodel.h"

#include "guitext.h"
#include "layercolors.h"
#include "watch/effect.h"

#include <QFont>
#include <QFutureWatcher>
#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>

namespace strata::gui {

// One batch of a directory's listing, packed entirely in the worker: the GUI thread
// only links it in. The last batch of a listing says so (`done`) and carries the
// listing's problems or its error.
struct MergedTreeModel::FetchResult {
    PackedBatch batch;
    bool done = false;
    std::vector<Error> problems;
    std::optional<Error> error;
};

MergedTreeModel::MergedTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
{
    m_dirIcon = QIcon::fromTheme(QStringLiteral("folder"));
    m_fileIcon = QIcon::fromTheme(QStringLiteral("text-x-generic"));
    m_linkIcon = QIcon::fromTheme(QStringLiteral("inode-symlink"));
    m_otherIcon = QIcon::fromTheme(QStringLiteral("unknown"));
    m_whiteoutIcon = QIcon::fromTheme(QStringLiteral("edit-delete"));
    m_rows.dir(TreeRows::kRoot)->fetch = TreeRows::Fetch::Done;
}

MergedTreeModel::~MergedTreeModel()
{
    cancelFetches();
}

void MergedTreeModel::cancelFetches()
{
    // The workers stop at their next batch; their results are never looked at.
    for (QFutureWatcherBase *watcher : std::as_const(m_fetches)) {
        watcher->disconnect(this);
        watcher->cancel();
        watcher->deleteLater();
    }
    m_fetches.clear();
    m_fetching.clear();
}

void MergedTreeModel::setTree(std::shared_ptr<const stack::MergedTree> tree)
{
    beginResetModel();
    ++m_generation; // listings still running for the old tree are dropped on arrival
    ++m_revision;
    cancelFetches();
    m_tree = std::move(tree);
    m_rows = TreeRows();
    m_rows.dir(TreeRows::kRoot)->fetch = m_tree ? TreeRows::Fetch::No : TreeRows::Fetch::Done;
    m_changes.clear();
    const bool wasLoading = m_pending > 0;
    m_pending = 0;
    endResetModel();
    if (wasLoading)
        Q_EMIT loadingChanged(false);
}

bool MergedTreeModel::isUpperLayer(int layer) const
{
    return m_tree && layer == 0 && m_tree->stack().hasUpper();
}

void MergedTreeModel::setChanges(const std::vector<stack::LayerChange> &changes)
{
    m_changes.clear();
    for (const auto &c : changes)
        m_changes.insert(QByteArray::fromStdString(c.path), c.change);
    notifyChanges(TreeRows::kRoot);
}

void MergedTreeModel::notifyChanges(uint32_t dir)
{
    const TreeRows::Dir *d = m_rows.dir(dir);
    if (!d || d->children.empty())
        return;
    Q_EMIT dataChanged(createIndex(0, 0, quintptr(d->children.front())),
                       createIndex(int(d->children.size()) - 1, ColumnCount - 1, quintptr(d->children.back())),
                       {Qt::ForegroundRole, ChangeRole, Qt::ToolTipRole});
    for (uint32_t child : d->children)
        notifyChanges(child);
}

uint32_t MergedTreeModel::idOf(const QModelIndex &index) const
{
    return index.isValid() ? uint32_t(index.internalId()) : TreeRows::kRoot;
}

QModelIndex MergedTreeModel::indexOf(uint32_t id, int column) const
{
    return id == TreeRows::kRoot ? QModelIndex() : createIndex(int(m_rows.row(id).pos), column, quintptr(id));
}

stack::MergedEntry MergedTreeModel::rowFacts(uint32_t id) const
{
    const TreeRow &r = m_rows.row(id);
    stack::MergedEntry known;
    known.name = std::string(m_rows.name(id));
    known.layer = r.layer;
    known.attrs = r.attrs();
    known.state = r.state;
    if (const TreeRows::Dir *d = m_rows.dir(id))
        known.dirLayers.assign(d->layers.begin(), d->layers.end());
    return known;
}

namespace {

// The lookup of one entry; what the row knows and why when it cannot be read any more.
stack::MergedEntry lookupOr(const stack::MergedTree &tree, const std::string &path, stack::MergedEntry known)
{
    auto e = tree.lookup(path, stack::ListOptions {true, true});
    if (e)
        return std::move(*e);
    known.problems.push_back(e.error()); // gone or unreadable since it was listed
    return known;
}

} // namespace

stack::MergedEntry MergedTreeModel::readNow(uint32_t id) const
{
    return lookupOr(*m_tree, m_rows.path(id), rowFacts(id));
}

const stack::MergedEntry *MergedTreeModel::slotEntry(EntrySlot &slot, uint32_t id, bool tooltip) const
{
    if (slot.read && slot.id == id && slot.revision == m_revision)
        return &*slot.read;
    slot.known = rowFacts(id);
    if (slot.reading && slot.id == id && slot.revision == m_revision)
        return &slot.known;
    slot.read.reset();
    slot.id = id;
    slot.revision = m_revision;
    slot.reading = true;
    if (!slot.job)
        slot.job = new Job(const_cast<MergedTreeModel *>(this));
    auto *self = const_cast<MergedTreeModel *>(this);
    const quint64 revision = m_revision;
    slot.job->start([self, &slot, tree = m_tree, path = m_rows.path(id), known = slot.known, id, revision,
                     tooltip](Job::Control &) -> Job::Apply {
        auto e = std::make_shared<stack::MergedEntry>(lookupOr(*tree, path, known));
        return [self, &slot, e, id, revision, tooltip]() {
            if (revision != self->m_revision || slot.id != id)
                return; // the rows changed meanwhile: a later entry() reads again
            slot.read = std::move(*e);
            slot.reading = false;
            const QModelIndex index = self->indexOf(id);
            if (tooltip)
                Q_EMIT self->dataChanged(index, index, {Qt::ToolTipRole});
            else
                Q_EMIT self->entryRead(index);
        };
    });
    return &slot.known;
}

const stack::MergedEntry *MergedTreeModel::entry(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this || !m_tree)
        return nullptr;
    return slotEntry(m_details, idOf(index), false);
}

bool MergedTreeModel::entryIsRead(const QModelIndex &index) const
{
    return index.isValid() && m_details.read && m_details.id == idOf(index) && m_details.revision == m_revision;
}

const stack::MergedEntry *MergedTreeModel::readEntry(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this || !m_tree)
        return nullptr;
    const uint32_t id = idOf(index);
    if (!entryIsRead(index)) {
        if (m_details.job)
            m_details.job->cancel();
        m_details.read = readNow(id);
        m_details.id = id;
        m_details.revision = m_revision;
        m_details.reading = false;
    }
    return &*m_details.read;
}

std::string MergedTreeModel::mergedPath(const QModelIndex &index) const
{
    return m_rows.path(idOf(index));
}

QModelIndex MergedTreeModel::indexForPath(const std::string &path) const
{
    auto parts = stack::splitMergedPath(path);
    if (!parts)
        return {};
    uint32_t n = TreeRows::kRoot;
    for (const std::string &name : *parts)
        if ((n = m_rows.child(n, name)) == TreeRows::kNone)
            return {};
    return indexOf(n);
}

QModelIndex MergedTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    return createIndex(row, column, quintptr(m_rows.dir(idOf(parent))->children[size_t(row)]));
}

QModelIndex MergedTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    return indexOf(m_rows.row(idOf(child)).parent);
}

int MergedTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return 0;
    const TreeRows::Dir *d = m_rows.dir(idOf(parent));
    return d ? int(d->children.size()) : 0;
}

int MergedTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

bool MergedTreeModel::hasChildren(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return false;
    const TreeRows::Dir *d = m_rows.dir(idOf(parent));
    if (!d)
        return false;
    return d->fetch == TreeRows::Fetch::No || d->fetch == TreeRows::Fetch::Running || !d->children.empty();
}

bool MergedTreeModel::isListed(const QModelIndex &index) const
{
    const TreeRows::Dir *d = m_rows.dir(idOf(index));
    return !d || d->fetch == TreeRows::Fetch::Done || d->fetch == TreeRows::Fetch::Failed;
}

bool MergedTreeModel::canFetchMore(const QModelIndex &parent) const
{
    if (!m_tree || parent.column() > 0)
        return false;
    const TreeRows::Dir *d = m_rows.dir(idOf(parent));
    return d && d->fetch == TreeRows::Fetch::No;
}

void MergedTreeModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    const uint32_t dir = idOf(parent);
    m_rows.dir(dir)->fetch = TreeRows::Fetch::Running;
    const quint64 token = ++m_nextToken;
    m_fetching.insert(dir, token);
    if (m_pending++ == 0)
        Q_EMIT loadingChanged(true);

    auto tree = m_tree;
    const std::string path = m_rows.path(dir);
    // The listing streams: core hands out its entries in batches (the first small),
    // and each batch is packed and inserted as it arrives, so the first rows of a huge
    // directory show after one read of its names, not after every entry was looked up.
    using Batch = std::shared_ptr<FetchResult>;
    auto future = QtConcurrent::run([tree, path](QPromise<Batch> &promise) {
        stack::ListOptions opts;
        opts.includeWhiteouts = true;
        auto listing = tree->list(path, opts, [&](std::vector<stack::MergedEntry> &&entries) {
            if (promise.isCanceled())
                return false;
            auto result = std::make_shared<FetchResult>();
            result->batch.rows.reserve(entries.size());
            for (const auto &e : entries)
                result->batch.add(e);
            promise.addResult(std::move(result));
            return true;
        });
        auto last = std::make_shared<FetchResult>();
        last->done = true;
        if (!listing)
            last->error = listing.error();
        else
            last->problems = std::move(listing->problems);
        promise.addResult(std::move(last));
    });
    auto *watcher = new QFutureWatcher<Batch>(this);
    m_fetches.insert(watcher);
    connect(watcher, &QFutureWatcherBase::resultReadyAt, this,
            [this, watcher, dir, token](int i) { applyFetch(dir, token, watcher->resultAt(i)); });
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher]() {
        m_fetches.remove(watcher);
        watcher->deleteLater();
    });
    watcher->setFuture(future);
}

void MergedTreeModel::applyFetch(uint32_t dir, quint64 token, const std::shared_ptr<FetchResult> &result)
{
    if (m_fetching.value(dir) != token)
        return; // the tree was replaced or the directory went: `dir` is not this listing's
    const QModelIndex parentIndex = indexOf(dir);
    if (!result->batch.rows.empty()) {
        const int first = int(m_rows.dir(dir)->children.size());
        beginInsertRows(parentIndex, first, first + int(result->batch.rows.size()) - 1);
        m_rows.append(dir, std::move(result->batch));
        endInsertRows();
        result->batch = {};
    }
    if (!result->done)
        return;
    m_fetching.remove(dir);
    TreeRows::Dir *d = m_rows.dir(dir);
    d->children.shrink_to_fit(); // batches grew it by doubling
    const QByteArray path = QByteArray::fromStdString(m_rows.path(dir));
    if (result->error) {
        d->fetch = TreeRows::Fetch::Failed;
        Q_EMIT directoryProblem(path, errorText(*result->error));
    } else {
        d->fetch = TreeRows::Fetch::Done;
        for (const Error &e : result->problems)
            Q_EMIT directoryProblem(path, errorText(e));
    }
    if (dir != TreeRows::kRoot)
        Q_EMIT dataChanged(parentIndex, parentIndex); // hasChildren may have changed
    if (--m_pending == 0)
        Q_EMIT loadingChanged(false);
    Q_EMIT directoryLoaded(path);
}

void MergedTreeModel::dropFetches(uint32_t id)
{
    const TreeRows::Dir *d = m_rows.dir(id);
    if (!d)
        return;
    if (m_fetching.remove(id) && --m_pending == 0)
        Q_EMIT loadingChanged(false);
    for (uint32_t child : d->children)
        dropFetches(child);
}

void MergedTreeModel::removeRows(uint32_t dir, int first, int count)
{
    beginRemoveRows(indexOf(dir), first, first + count - 1);
    for (int r = first; r < first + count; ++r)
        dropFetches(m_rows.dir(dir)->children[size_t(r)]);
    m_rows.remove(dir, size_t(first), size_t(count));
    ++m_revision;
    endRemoveRows();
}

bool MergedTreeModel::updateDirectory(const std::string &path, std::vector<stack::MergedEntry> entries)
{
    if (!m_tree)
        return false;
    uint32_t dir = TreeRows::kRoot;
    if (!path.empty()) {
        const QModelIndex idx = indexForPath(path);
        if (!idx.isValid())
            return false;
        dir = idOf(idx);
    }
    if (!m_rows.dir(dir) || m_rows.dir(dir)->fetch != TreeRows::Fetch::Done)
        return false; // not listed yet (its own listing comes) or failed
    m_tree->forget(path); // where its subdirectories lie may have changed
    std::sort(entries.begin(), entries.end(), [](const auto &a, const auto &b) { return a.name < b.name; });
    const QModelIndex parentIndex = indexOf(dir);
    auto children = [&]() -> const std::vector<uint32_t> & { return m_rows.dir(dir)->children; };

    const auto byName = [](const stack::MergedEntry &a, std::string_view b) { return a.name < b; };
    // Rows that went, from the end, each run of neighbours as one range (a burst of
    // deletes is one removal, not one per row; the rows before a run keep theirs).
    const auto kept = [&](int r) {
        const std::string_view name = m_rows.name(children()[size_t(r)]);
        const auto it = std::lower_bound(entries.begin(), entries.end(), name, byName);
        return it != entries.end() && it->name == name;
    };
    for (int r = int(children().size()) - 1; r >= 0; --r) {
        if (kept(r))
            continue;
        int first = r;
        while (first > 0 && !kept(first - 1))
            --first;
        removeRows(dir, first, r - first + 1);
        r = first;
    }
    // Then, in name order, rows that changed and runs of rows that appeared. The
    // children left are a subsequence of `entries` (both sorted by name), so a new
    // run at `i` ends where the next existing child's name sits in `entries`.
    for (size_t i = 0; i < entries.size(); ++i) {
        const stack::MergedEntry &e = entries[i];
        if (i < children().size() && m_rows.name(children()[i]) == e.name) {
            const uint32_t child = children()[i];
            const TreeRow &r = m_rows.row(child);
            const TreeRows::Dir *d = m_rows.dir(child);
            const bool sameLayers
                = !d || std::equal(d->layers.begin(), d->layers.end(), e.dirLayers.begin(), e.dirLayers.end());
            if (r.sameFacts(TreeRow::factsOf(e)) && sameLayers)
                continue;
            const bool wasDir = r.isDir();
            if (wasDir) {
                // Facts that stop it being a directory drop its rows first (announced).
                TreeRow facts = TreeRow::factsOf(e);
                if (!facts.isDir()) {
                    if (const size_t n = m_rows.dir(child)->children.size())
                        removeRows(child, 0, int(n));
                    dropFetches(child);
                }
            }
            m_rows.update(child, e);
            ++m_revision;
            Q_EMIT dataChanged(createIndex(int(i), 0, quintptr(child)),
                               createIndex(int(i), ColumnCount - 1, quintptr(child)));
            continue;
        }
        size_t end = entries.size();
        if (i < children().size())
            end = size_t(
                std::lower_bound(entries.begin() + ptrdiff_t(i), entries.end(), m_rows.name(children()[i]), byName)
                - entries.begin());
        end = std::max(end, i + 1); // never empty, whatever the names say
        beginInsertRows(parentIndex, int(i), int(end - 1));
        m_rows.insert(dir, i, std::span(entries).subspan(i, end - i));
        endInsertRows();
        i = end - 1;
    }
    return true;
}

QVariant MergedTreeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const uint32_t id = idOf(index);
    const TreeRow &r = m_rows.row(id);
    const bool whiteout = r.isWhiteout();
    const bool isDir = r.isDirType();
    const auto change
        = m_changes.isEmpty() ? m_changes.constEnd() : m_changes.constFind(QByteArray::fromStdString(m_rows.path(id)));
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return displayText(m_rows.name(id));
        case LayerColumn:
            return layerLabel(r.layer, isUpperLayer(r.layer));
        case StateColumn:
            return stateText(r.state);
        case SizeColumn:
            return (isDir || whiteout) ? QString() : sizeText(quint64(r.size));
        case ModeColumn:
            return modeText(r.mode);
        case OwnerColumn:
            return ownerText(r.uid, r.gid);
        case MtimeColumn:
            return timeText(r.attrs().mtime);
        }
        return {};
    case Qt::DecorationRole:
        if (index.column() == NameColumn) {
            if (whiteout)
                return m_whiteoutIcon;
            switch (stack::fileTypeOf(r.mode)) {
            case stack::FileType::Directory:
                return m_dirIcon;
            case stack::FileType::Regular:
                return m_fileIcon;
            case stack::FileType::Symlink:
                return m_linkIcon;
            default:
                return m_otherIcon;
            }
        }
        if (index.column() == LayerColumn)
            return layerChip(r.layer);
        return {};
    case Qt::FontRole:
        if (whiteout) {
            QFont f;
            f.setStrikeOut(true);
            return f;
        }
        return {};
    case Qt::ForegroundRole:
        if (change != m_changes.constEnd()) {
            switch (*change) {
            case stack::Change::Added:
                return addedColor();
            case stack::Change::Modified:
                return modifiedColor();
            case stack::Change::Deleted:
                return deletedColor();
            }
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == SizeColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole: {
        QStringList lines;
        lines << pathText(m_rows.path(id));
        if (change != m_changes.constEnd())
            lines << QString::fromUtf8(stack::changeName(*change).data());
        if (r.hasProblems) // read again, in the background: rows do not keep them
            for (const Error &p : slotEntry(m_tooltip, id, true)->problems)
                lines << errorText(p);
        return lines.join(QLatin1Char('\n'));
    }
    case PathRole:
        return pathText(m_rows.path(id));
    case PathBytesRole:
        return QByteArray::fromStdString(m_rows.path(id));
    case NameBytesRole:
        return QByteArray(m_rows.name(id).data(), qsizetype(m_rows.name(id).size()));
    case LayerRole:
        return int(r.layer);
    case StateRole:
        return uint(r.state);
    case SizeRole:
        return qulonglong((isDir || whiteout) ? 0 : r.size);
    case IsDirRole:
        return isDir && !whiteout;
    case IsWhiteoutRole:
        return whiteout;
    case ChangeRole:
        return change == m_changes.constEnd() ? -1 : int(*change);
    case DirLayersRole: {
        const TreeRows::Dir *d = m_rows.dir(id);
        QList<int> layers;
        if (d)
            layers.assign(d->layers.begin(), d->layers.end());
        return QVariant::fromValue(layers);
    }
    default:
        return {};
    }
}

QVariant MergedTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractItemModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return tr("Name");
    case LayerColumn:
        return tr("Layer");
    case StateColumn:
        return tr("State");
    case SizeColumn:
        return tr("Size");
    case ModeColumn:
        return tr("Mode");
    case OwnerColumn:
        return tr("Owner");
    case MtimeColumn:
        return tr("Modified");
    }
    return {};
}

Qt::ItemFlags MergedTreeModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (!m_rows.row(idOf(index)).isDir())
        f |= Qt::ItemNeverHasChildren;
    return f;
}

} // namespace strata::gui
