<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>desktop</name>
    <message>
        <source>Layer Stack Inspector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inspect and manage layered (overlayfs) mounts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>overlayfs;overlay;layers;container;whiteout;mount;</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Inspect and manage layered (overlayfs) mounts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A mount point, a stack file, or a directory holding upper/ and lower*/ layers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the demo stack offscreen, expand, select, exit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the demo stack.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write PNGs of the main states into DIR and exit.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>metainfo</name>
    <message>
        <source>Inspect and manage layered (overlayfs) mounts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Strata shows a layer stack the way the kernel sees it: which layer every file comes from, what is hidden by whiteouts and opaque directories, what was copied up, and what the index holds.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It assembles new stacks by drag and drop, checks them before mounting, and mounts them with its own FUSE union engine.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The merged tree with the layer every file comes from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Details of a copied-up file: its origin and the versions beneath it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every whiteout of the stack</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assembling a stack, with the preflight of both engines</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::app::HelperMounter</name>
    <message>
        <source>privileged helper</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The privileged helper is not installed or could not be started.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The system does not know this action; the helper&apos;s polkit policy is not installed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The action is not valid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not authorized: the system&apos;s policy does not allow you to do this.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Authorization was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The helper is busy with another request; try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The request was already started.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not contact the privileged helper (D-Bus).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The authorization system failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The request is malformed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A path is not absolute.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A path is not canonical (it contains &quot;.&quot;, &quot;..&quot;, &quot;//&quot; or a trailing slash).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A path contains a control character such as a newline.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A path contains &apos;,&apos;, &apos;:&apos; or &apos;\&apos;, which separate mount options.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A path is empty or too long.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A path is or passes through a symbolic link.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A directory does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A path is not a directory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You cannot read a layer directory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The upper directory, work directory and mount point must be your own.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The mount point is a system directory or inside one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A mount option is not allowed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The stack has more lower layers than allowed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The stack has too few lower layers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The upper or work directory is inside a lower layer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The work directory must be on the same file system as the upper directory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Two layers overlap.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An upper directory needs a work directory, and the other way round.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The stack name may hold only letters, digits, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A path is not valid UTF-8.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The mount point cannot be used: it is inside a writable layer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The kernel refused the overlay mount.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The Strata engine (strata-fuse) is not installed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The Strata engine could not mount the stack.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The Strata engine did not start in time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing is mounted there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That mount was not made by Strata&apos;s helper.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That mount belongs to another user.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The kernel refused to unmount (is it busy?).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The helper&apos;s record of mounts is damaged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The stack could not be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The helper&apos;s answer belonged to another request and was discarded; whether yours ran is unknown: check the mounts, then try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The privileged helper did not answer in time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The privileged helper failed (code %1).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::app::UserMounter</name>
    <message>
        <source>user (strata-fuse through fusermount3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mounting with kernel overlayfs needs the privileged helper, which this build does not use; mount with strata-fuse instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>strata-fuse is not built or not installed (looked beside %1 and in PATH); build the strata-fuse target first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A stack needs at least one lower layer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fusermount3 was not found in PATH (package fuse3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unmount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 failed: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>exit code %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>could not start %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::gui</name>
    <message>
        <source>upper</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>L%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> flags</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> fid type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> fs uuid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>null (uuid=off or none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> fid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> inode / generation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>whiteout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Path in layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>plain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Owner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Modified</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Protected attributes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Links</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Blocks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shared whiteout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>hard-linked whiteout inode (nlink &gt; 1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overlay attributes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  (absolute: from the layer roots below)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  (relative: renamed in the parent)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redirect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Origin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Origin handle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copied up from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Origin detail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Metacopy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>metadata only (no digest)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>version %1, flags %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Digest algorithm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Digest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not found: reads would fail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>overlay xattrs are unreadable by this process (trusted.* needs CAP_SYS_ADMIN)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Merged from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Beneath (shadowed versions)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>modified %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nothing: no layer below holds this name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Problems</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mounted read-write: changes go to the upper layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mounted read-only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a read-only lower layer (top first)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a data-only layer: reached only through metacopy redirects</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the writable upper layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>staging area for atomic copy-up; same filesystem as the upper</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>renaming a merged dir writes a redirect; redirects are followed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>redirects are followed but never created (rename of merged dirs: EXDEV)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>redirects are not followed; a lookup meeting one fails</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no redirects: renaming a merged dir fails with EXDEV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>redirect handling for renamed directories</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>copied-up files are indexed by origin handle (keeps hard links whole)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no inode index: hard links may break on copy-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>how lower fs uuids are recorded in file handles (on/auto/null/off)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>overlay file handles can be exported over NFS (implies index)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no NFS export of overlay file handles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>inode numbers made unique across layers with high bits (on/auto/off)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>metadata-only copy-up: chmod/chown copy up metadata, data stays below</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>every copy-up copies data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no syncs to the upper: after a crash the upper and work dirs must be discarded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>overlay metadata lives in user.overlay.* (unprivileged mounts)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fs-verity digests of metacopy data are checked (off/on/require)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the kernel checks permissions from the inode mode (FUSE)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>other users may access the mount (FUSE)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the owner of the FUSE connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>per-mount flag</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(not an option Strata knows)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::gui::AssemblyPanel</name>
    <message>
        <source>Drop layer directories here, top layer first. Drag to reorder; the first lower is the top of the stack.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move down</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use as upper</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use as work</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use as lower</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use as data-only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preflight: what each engine does with this stack</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preflight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mount point</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Inspect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Mount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>U&amp;nmount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add layers first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>assembled stack</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a layer directory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save stack file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stack files (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a mount point first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mounting %1 with %2…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stack</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>refuses: a stack needs at least one lower layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>refused as well</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mounts: no objection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mounts</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::gui::AssemblyView</name>
    <message>
        <source>Stack being assembled</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::gui::DetailsPane</name>
    <message>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select an entry to see where it comes from, what lies beneath it and its overlay attributes.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::gui::LayerStackModel</name>
    <message>
        <source>read-only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>remote</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>user.overlay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>trusted.overlay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>xattrs unreadable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>upper</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lower</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>data-only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filesystem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>FS UUID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Whiteouts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opaque</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Badges</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::gui::MainWindow</name>
    <message>
        <source>Strata</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;h2&gt;Nothing is open&lt;/h2&gt;&lt;p&gt;Strata shows a layer stack the way the kernel sees it: where every file comes from, what is hidden, what was copied up.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the &amp;demo stack (every overlay state, created in a temporary directory)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a &amp;mounted stack…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a stack &amp;file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Assemble a new stack…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assem&amp;ble</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not loaded in the tree yet: open its directory first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assembled stack</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Counting cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not open %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not create a temporary directory: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not create the demo stack: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo stack in %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — Strata</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n layers, xattrs in %1.overlay.*</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>trusted.overlay.* xattrs are unreadable without CAP_SYS_ADMIN: opaque dirs, redirects, origins and metacopy are shown as unknown, never guessed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data-only layers are not merged into the tree; their files are reached through metacopy redirects.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Merged view of %n layers</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Only what %1 holds — green: added, amber: modified, red: deleted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cumulative view: %1 and the layers below it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;Mounted Stack…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open Stack File…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Layer &amp;Directory…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open D&amp;emo Stack</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Assemble New Stack</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save Stack As…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show &amp;Whiteouts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Merged View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Selected &amp;Layer Only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Cumulative up to Selected Layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Find Path…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Go to &amp;Layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Go to &amp;Tree</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Go to &amp;Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Go to &amp;Reports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Strata</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About Strata</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;h3&gt;Strata %1&lt;/h3&gt;&lt;p&gt;Inspect and manage layered (overlayfs) mounts.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open stack file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stack files (*.json);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a directory holding upper/ and lower*/ layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save stack file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stack files (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::gui::MergedTreeModel</name>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Owner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Modified</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::gui::MessageBar</name>
    <message>
        <source>Dismiss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dismiss message</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>(+%n more)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>strata::gui::MountsDialog</name>
    <message>
        <source>Open a mounted stack</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Union mounts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No overlay or FUSE union mounts are visible to this process. The list updates as mounts appear.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Updated live from the mount table.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::gui::ReportTab</name>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading… %L1 entries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled. Read again to see the whole list.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::gui::ReportViews</name>
    <message>
        <source>W&amp;hiteouts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Index</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mount &amp;options</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;ummary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n whiteouts in the merged view</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n index entries in %1</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>No index: the stack has no work dir, or was never mounted with index=on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From the mount&apos;s line in /proc/self/mountinfo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not mounted: the layers and options of the stack as opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Wasted: %1 in %n entries stored but hidden by higher layers; visible: %2 in %L3 entries</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelled: the figures are partial</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Counting… %L1 entries</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::gui::StackPanel</name>
    <message>
        <source>Layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Show:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Merged view (all layers)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Selected layer only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cumulative, up to the selected layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer only: what the layer holds, marked added / modified / deleted.
Cumulative: the stack as if the layers above did not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop counting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Counting layers… %L1 entries</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::gui::TreePanel</name>
    <message>
        <source>&amp;Whiteouts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter loaded paths (regular expression)…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Path filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Whiteouts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opaque dirs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redirected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copied up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Metacopy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Merged dirs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created in upper</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show deleted names (struck through)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Merged tree</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading directories…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not a valid regular expression</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::gui::assembly</name>
    <message>
        <source>upper</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>work</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lower</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>data-only</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::gui::rows</name>
    <message>
        <source>Path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hides</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>xattr whiteout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>0/0 device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, shared inode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nothing (redundant)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Links</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Origin in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (union %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Option</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Meaning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer identity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(mountinfo)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>from mountinfo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bytes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dirs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Whiteouts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opaque</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redirects</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Metacopy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copied up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wasted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kernel overlayfs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>strata-fuse</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stack</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lower %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>data %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>upper</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>work</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>same</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>accepted: strata-fuse takes remote, FUSE and overlay uppers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>refused as well</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>refuses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>warns</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mount point</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ID</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
