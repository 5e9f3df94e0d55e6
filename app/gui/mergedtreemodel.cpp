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

struct MergedTreeModel::Node {
    Node *parent = nullptr;
    int row = 0;
    std::optional<stack::MergedEntry> entry; // nullopt for the root
    std::vector<std::unique_ptr<Node>> children;
    enum class Fetch : uint8_t { No, Running, Done, Failed } fetch = Fetch::No;

    bool isDir() const { return !entry || (entry->isDir() && !entry->isWhiteout()); }
    // The merged path ("" for the root), from the names up the tree: a row does not
    // keep its own copy of its parents' names.
    std::string path() const
    {
        std::vector<const std::string *> names;
        size_t size = 0;
        for (const Node *n = this; n->entry; n = n->parent) {
            names.push_back(&n->entry->name);
            size += n->entry->name.size() + 1;
        }
        std::string out;
        out.reserve(size);
        for (auto it = names.rbegin(); it != names.rend(); ++it) {
            if (!out.empty())
                out += '/';
            out += **it;
        }
        return out;
    }
};

// One batch of a directory's listing, built entirely in the worker: the GUI thread
// only links it in. The last batch of a listing says so (`done`) and carries the
// listing's problems or its error.
struct MergedTreeModel::FetchResult {
    std::vector<std::unique_ptr<Node>> children;
    bool done = false;
    std::vector<Error> problems;
    std::optional<Error> error;
};

MergedTreeModel::MergedTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
    , m_root(std::make_unique<Node>())
{
    m_dirIcon = QIcon::fromTheme(QStringLiteral("folder"));
    m_fileIcon = QIcon::fromTheme(QStringLiteral("text-x-generic"));
    m_linkIcon = QIcon::fromTheme(QStringLiteral("inode-symlink"));
    m_otherIcon = QIcon::fromTheme(QStringLiteral("unknown"));
    m_whiteoutIcon = QIcon::fromTheme(QStringLiteral("edit-delete"));
    m_root->fetch = Node::Fetch::Done;
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
    cancelFetches();
    m_tree = std::move(tree);
    m_root = std::make_unique<Node>();
    m_root->fetch = m_tree ? Node::Fetch::No : Node::Fetch::Done;
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
    notifyChanges(m_root.get());
}

void MergedTreeModel::notifyChanges(Node *node)
{
    if (node->children.empty())
        return;
    Q_EMIT dataChanged(createIndex(0, 0, node->children.front().get()),
                       createIndex(int(node->children.size()) - 1, ColumnCount - 1, node->children.back().get()),
                       {Qt::ForegroundRole, ChangeRole, Qt::ToolTipRole});
    for (auto &child : node->children)
        notifyChanges(child.get());
}

MergedTreeModel::Node *MergedTreeModel::nodeOf(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : m_root.get();
}

const stack::MergedEntry *MergedTreeModel::entry(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this)
        return nullptr;
    const Node *n = nodeOf(index);
    return n->entry ? &*n->entry : nullptr;
}

std::string MergedTreeModel::mergedPath(const QModelIndex &index) const
{
    return nodeOf(index)->path();
}

QModelIndex MergedTreeModel::indexForPath(const std::string &path) const
{
    auto parts = stack::splitMergedPath(path);
    if (!parts)
        return {};
    Node *n = m_root.get();
    for (const std::string &name : *parts) {
        auto it
            = std::lower_bound(n->children.begin(), n->children.end(), name,
                               [](const std::unique_ptr<Node> &c, const std::string &v) { return c->entry->name < v; });
        if (it == n->children.end() || (*it)->entry->name != name)
            return {};
        n = it->get();
    }
    return n == m_root.get() ? QModelIndex() : createIndex(n->row, 0, n);
}

QModelIndex MergedTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    return createIndex(row, column, nodeOf(parent)->children[size_t(row)].get());
}

QModelIndex MergedTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    Node *p = nodeOf(child)->parent;
    if (!p || p == m_root.get())
        return {};
    return createIndex(p->row, 0, p);
}

int MergedTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return 0;
    return int(nodeOf(parent)->children.size());
}

int MergedTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

bool MergedTreeModel::hasChildren(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return false;
    const Node *n = nodeOf(parent);
    if (!n->isDir())
        return false;
    return n->fetch == Node::Fetch::No || n->fetch == Node::Fetch::Running || !n->children.empty();
}

bool MergedTreeModel::isListed(const QModelIndex &index) const
{
    const Node *n = nodeOf(index);
    return n->fetch == Node::Fetch::Done || n->fetch == Node::Fetch::Failed;
}

bool MergedTreeModel::canFetchMore(const QModelIndex &parent) const
{
    if (!m_tree || parent.column() > 0)
        return false;
    const Node *n = nodeOf(parent);
    return n->isDir() && n->fetch == Node::Fetch::No;
}

void MergedTreeModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    Node *node = nodeOf(parent);
    node->fetch = Node::Fetch::Running;
    m_fetching.insert(node);
    if (m_pending++ == 0)
        Q_EMIT loadingChanged(true);

    auto tree = m_tree;
    const std::string path = node->path();
    // The listing streams: core hands out its entries in batches (the first small),
    // and each batch is inserted as it arrives, so the first rows of a huge directory
    // show after one read of its names, not after every entry was looked up.
    using Batch = std::shared_ptr<FetchResult>;
    auto future = QtConcurrent::run([tree, path, node](QPromise<Batch> &promise) {
        stack::ListOptions opts;
        opts.includeWhiteouts = true;
        int row = 0;
        auto listing = tree->list(path, opts, [&](std::vector<stack::MergedEntry> &&entries) {
            if (promise.isCanceled())
                return false;
            auto batch = std::make_shared<FetchResult>();
            batch->children.reserve(entries.size());
            for (auto &e : entries) {
                auto child = std::make_unique<Node>();
                child->parent = node; // only dereferenced on the GUI thread, after a generation check
                child->row = row++;
                child->entry = std::move(e);
                batch->children.push_back(std::move(child));
            }
            promise.addResult(std::move(batch));
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
    const quint64 generation = m_generation;
    connect(watcher, &QFutureWatcherBase::resultReadyAt, this,
            [this, watcher, node, generation](int i) { applyFetch(node, generation, watcher->resultAt(i)); });
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher]() {
        m_fetches.remove(watcher);
        watcher->deleteLater();
    });
    watcher->setFuture(future);
}

void MergedTreeModel::applyFetch(Node *node, quint64 generation, const std::shared_ptr<FetchResult> &result)
{
    if (generation != m_generation || !m_fetching.contains(node))
        return; // the tree was replaced or the directory went: `node` no longer exists
    const QModelIndex parentIndex = node == m_root.get() ? QModelIndex() : createIndex(node->row, 0, node);
    if (!result->children.empty()) {
        const int first = int(node->children.size());
        beginInsertRows(parentIndex, first, first + int(result->children.size()) - 1);
        std::move(result->children.begin(), result->children.end(), std::back_inserter(node->children));
        endInsertRows();
        result->children.clear();
    }
    if (!result->done)
        return;
    m_fetching.remove(node);
    const QByteArray path = QByteArray::fromStdString(node->path());
    if (result->error) {
        node->fetch = Node::Fetch::Failed;
        Q_EMIT directoryProblem(path, errorText(*result->error));
    } else {
        node->fetch = Node::Fetch::Done;
        for (const Error &e : result->problems)
            Q_EMIT directoryProblem(path, errorText(e));
    }
    if (node != m_root.get())
        Q_EMIT dataChanged(parentIndex, parentIndex); // hasChildren may have changed
    if (--m_pending == 0)
        Q_EMIT loadingChanged(false);
    Q_EMIT directoryLoaded(path);
}

void MergedTreeModel::dropFetches(Node *node)
{
    if (m_fetching.remove(node) && --m_pending == 0)
        Q_EMIT loadingChanged(false);
    for (auto &child : node->children)
        dropFetches(child.get());
}

void MergedTreeModel::removeRows(Node *node, int first, int last)
{
    const QModelIndex parentIndex = node == m_root.get() ? QModelIndex() : createIndex(node->row, 0, node);
    beginRemoveRows(parentIndex, first, last);
    for (int r = first; r <= last; ++r)
        dropFetches(node->children[size_t(r)].get());
    node->children.erase(node->children.begin() + first, node->children.begin() + last + 1);
    for (size_t r = size_t(first); r < node->children.size(); ++r)
        node->children[r]->row = int(r);
    endRemoveRows();
}

// The facts a row shows; the watch's own comparison (EntryFacts) plus what it leaves out.
static bool sameEntry(const stack::MergedEntry &a, const stack::MergedEntry &b)
{
    return watch::EntryFacts::of(a) == watch::EntryFacts::of(b) && a.dirLayers == b.dirLayers
        && a.attrs.uid == b.attrs.uid && a.attrs.gid == b.attrs.gid && a.layerPath == b.layerPath
        && a.problems.size() == b.problems.size();
}

bool MergedTreeModel::updateDirectory(const std::string &path, std::vector<stack::MergedEntry> entries)
{
    if (!m_tree)
        return false;
    Node *node = m_root.get();
    if (!path.empty()) {
        const QModelIndex idx = indexForPath(path);
        if (!idx.isValid())
            return false;
        node = nodeOf(idx);
    }
    if (node->fetch != Node::Fetch::Done)
        return false; // not listed yet (its own listing comes) or failed
    m_tree->forget(path); // where its subdirectories lie may have changed
    std::sort(entries.begin(), entries.end(), [](const auto &a, const auto &b) { return a.name < b.name; });
    const QModelIndex parentIndex = node == m_root.get() ? QModelIndex() : createIndex(node->row, 0, node);

    // Rows that went, from the end (each removal its own range: the rest keep theirs).
    for (int r = int(node->children.size()) - 1; r >= 0; --r) {
        const std::string &name = node->children[size_t(r)]->entry->name;
        const auto it = std::lower_bound(entries.begin(), entries.end(), name,
                                         [](const stack::MergedEntry &a, const std::string &b) { return a.name < b; });
        const bool kept = it != entries.end() && it->name == name;
        if (!kept)
            removeRows(node, r, r);
    }
    // Then, in name order, rows that changed and rows that appeared.
    for (size_t i = 0; i < entries.size(); ++i) {
        stack::MergedEntry &e = entries[i];
        if (i < node->children.size() && node->children[i]->entry->name == e.name) {
            Node *child = node->children[i].get();
            if (sameEntry(*child->entry, e))
                continue;
            const bool wasDir = child->isDir();
            child->entry = std::move(e);
            if (wasDir && !child->isDir()) {
                if (!child->children.empty())
                    removeRows(child, 0, int(child->children.size()) - 1);
                dropFetches(child);
                child->fetch = Node::Fetch::No;
            }
            Q_EMIT dataChanged(createIndex(int(i), 0, child), createIndex(int(i), ColumnCount - 1, child));
            continue;
        }
        auto child = std::make_unique<Node>();
        child->parent = node;
        child->entry = std::move(e);
        beginInsertRows(parentIndex, int(i), int(i));
        node->children.insert(node->children.begin() + ptrdiff_t(i), std::move(child));
        for (size_t r = i; r < node->children.size(); ++r)
            node->children[r]->row = int(r);
        endInsertRows();
    }
    return true;
}

QVariant MergedTreeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node *n = nodeOf(index);
    const stack::MergedEntry &e = *n->entry;
    const bool whiteout = e.isWhiteout();
    const auto change
        = m_changes.isEmpty() ? m_changes.constEnd() : m_changes.constFind(QByteArray::fromStdString(n->path()));
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return displayText(e.name);
        case LayerColumn:
            return layerLabel(e.layer, isUpperLayer(e.layer));
        case StateColumn:
            return stateText(e.state);
        case SizeColumn:
            return (e.isDir() || whiteout) ? QString() : sizeText(quint64(e.attrs.size));
        case ModeColumn:
            return modeText(e.attrs.mode);
        case OwnerColumn:
            return ownerText(e.attrs.uid, e.attrs.gid);
        case MtimeColumn:
            return timeText(e.attrs.mtime);
        }
        return {};
    case Qt::DecorationRole:
        if (index.column() == NameColumn) {
            if (whiteout)
                return m_whiteoutIcon;
            switch (e.attrs.type) {
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
            return layerChip(e.layer);
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
        lines << pathText(n->path());
        if (change != m_changes.constEnd())
            lines << QString::fromUtf8(stack::changeName(*change).data());
        for (const Error &p : e.problems)
            lines << errorText(p);
        return lines.join(QLatin1Char('\n'));
    }
    case PathRole:
        return pathText(n->path());
    case PathBytesRole:
        return QByteArray::fromStdString(n->path());
    case NameBytesRole:
        return QByteArray::fromStdString(e.name);
    case LayerRole:
        return e.layer;
    case StateRole:
        return uint(e.state);
    case SizeRole:
        return qulonglong((e.isDir() || whiteout) ? 0 : e.attrs.size);
    case IsDirRole:
        return e.isDir() && !whiteout;
    case IsWhiteoutRole:
        return whiteout;
    case ChangeRole:
        return change == m_changes.constEnd() ? -1 : int(*change);
    case DirLayersRole: {
        QList<int> layers(e.dirLayers.begin(), e.dirLayers.end());
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
    if (!nodeOf(index)->isDir())
        f |= Qt::ItemNeverHasChildren;
    return f;
}

} // namespace strata::gui
