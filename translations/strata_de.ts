<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>IdentityText</name>
    <message>
        <source>The filesystem UUID changed (%1 recorded, %2 now): an index=on mount of this stack fails.</source>
        <translation>Die UUID des Dateisystems hat sich geändert (%1 aufgezeichnet, jetzt %2): ein Einhängen dieses Stapels mit index=on schlägt fehl.</translation>
    </message>
    <message>
        <source>A filesystem UUID the stack recorded is not its filesystem&apos;s any more.</source>
        <translation>Eine vom Stapel aufgezeichnete Dateisystem-UUID gehört nicht mehr zu seinem Dateisystem.</translation>
    </message>
    <message>
        <source>Mount with index=off: works at once and changes nothing on disk; copied-up files lose their lower inode numbers and hard links broken by copy-up stay broken.</source>
        <translation>Mit index=off einhängen: funktioniert sofort und ändert nichts auf der Platte; hochkopierte Dateien verlieren ihre unteren Inode-Nummern, und durch das Hochkopieren getrennte harte Links bleiben getrennt.</translation>
    </message>
    <message>
        <source>Mount with uuid=off: this stack was created with it, so the UUID is not compared.</source>
        <translation>Mit uuid=off einhängen: dieser Stapel wurde damit angelegt, die UUID wird also nicht verglichen.</translation>
    </message>
    <message>
        <source>uuid=off does not help: it only accepts stacks created with it from the first mount.</source>
        <translation>uuid=off hilft nicht: es akzeptiert nur Stapel, die vom ersten Einhängen an damit angelegt wurden.</translation>
    </message>
    <message>
        <source>Restamp: rewrite the new UUID into every origin and index entry, offline and journaled; index=on then mounts as before.</source>
        <translation>Umstempeln: die neue UUID in jeden origin- und Index-Eintrag schreiben, offline und mit Journal; danach hängt index=on wie zuvor ein.</translation>
    </message>
    <message>
        <source>Restamp is not possible: more than the UUID differs (a layer was replaced).</source>
        <translation>Umstempeln ist nicht möglich: mehr als die UUID unterscheidet sich (eine Schicht wurde ersetzt).</translation>
    </message>
    <message>
        <source>Delete workdir/index and the upper root&apos;s origin: the next index=on mount starts a new index; the old hard-link and inode records are lost.</source>
        <translation>workdir/index und den origin der oberen Wurzel löschen: das nächste Einhängen mit index=on beginnt einen neuen Index; die alten Aufzeichnungen zu harten Links und Inodes gehen verloren.</translation>
    </message>
    <message>
        <source>The kernel: the mount fails with ESTALE (Stale file handle); dmesg says &quot;overlayfs: failed to verify upper root origin&quot;.</source>
        <translation>Der Kernel: das Einhängen schlägt mit ESTALE (Stale file handle) fehl; dmesg meldet &quot;overlayfs: failed to verify upper root origin&quot;.</translation>
    </message>
    <message>
        <source>The kernel: the mount fails with ESTALE; dmesg says &quot;overlayfs: failed to verify index dir &apos;upper&apos; xattr&quot;.</source>
        <translation>Der Kernel: das Einhängen schlägt mit ESTALE fehl; dmesg meldet &quot;overlayfs: failed to verify index dir &apos;upper&apos; xattr&quot;.</translation>
    </message>
    <message numerus="yes">
        <source>The kernel: the mount deletes %n index entries as stale; their hard-link records are lost.</source>
        <translation>
            <numerusform>Der Kernel: das Einhängen löscht %n Index-Eintrag als veraltet; seine Aufzeichnung zu harten Links geht verloren.</numerusform>
            <numerusform>Der Kernel: das Einhängen löscht %n Index-Einträge als veraltet; ihre Aufzeichnungen zu harten Links gehen verloren.</numerusform>
        </translation>
    </message>
    <message>
        <source>Ways out:</source>
        <translation>Auswege:</translation>
    </message>
</context>
<context>
    <name>desktop</name>
    <message>
        <source>Layer Stack Inspector</source>
        <translation>Schichtstapel-Inspektor</translation>
    </message>
    <message>
        <source>Inspect and manage layered (overlayfs) mounts</source>
        <translation>Geschichtete Einhängungen (overlayfs) untersuchen und verwalten</translation>
    </message>
    <message>
        <source>overlayfs;overlay;layers;container;whiteout;mount;</source>
        <translation>overlayfs;Overlay;Schichten;Container;Whiteout;Einhängen;</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Inspect and manage layered (overlayfs) mounts.</source>
        <translation>Geschichtete Einhängungen (overlayfs) untersuchen und verwalten.</translation>
    </message>
    <message>
        <source>A mount point, a stack file, or a directory holding upper/ and lower*/ layers.</source>
        <translation>Ein Einhängepunkt, eine Stapeldatei oder ein Verzeichnis mit den Schichten upper/ und lower*/.</translation>
    </message>
    <message>
        <source>Open the demo stack offscreen, expand, select, exit.</source>
        <translation>Den Demo-Stapel ohne Anzeige öffnen, aufklappen, auswählen, beenden.</translation>
    </message>
    <message>
        <source>Open the demo stack.</source>
        <translation>Den Demo-Stapel öffnen.</translation>
    </message>
    <message>
        <source>Write PNGs of the main states into DIR and exit.</source>
        <translation>PNG-Bilder der wichtigsten Zustände in VERZ schreiben und beenden.</translation>
    </message>
</context>
<context>
    <name>metainfo</name>
    <message>
        <source>Inspect and manage layered (overlayfs) mounts</source>
        <translation>Geschichtete Einhängungen (overlayfs) untersuchen und verwalten</translation>
    </message>
    <message>
        <source>Strata shows a layer stack the way the kernel sees it: which layer every file comes from, what is hidden by whiteouts and opaque directories, what was copied up, and what the index holds.</source>
        <translation>Strata zeigt einen Schichtstapel so, wie der Kernel ihn sieht: aus welcher Schicht jede Datei stammt, was Whiteouts und undurchsichtige Verzeichnisse verbergen, was hochkopiert wurde und was der Index enthält.</translation>
    </message>
    <message>
        <source>It assembles new stacks by drag and drop, checks them before mounting, and mounts them with its own FUSE union engine.</source>
        <translation>Es stellt neue Stapel per Ziehen und Ablegen zusammen, prüft sie vor dem Einhängen und hängt sie mit seiner eigenen FUSE-Union-Engine ein.</translation>
    </message>
    <message>
        <source>The merged tree with the layer every file comes from</source>
        <translation>Der zusammengeführte Baum mit der Schicht, aus der jede Datei stammt</translation>
    </message>
    <message>
        <source>Details of a copied-up file: its origin and the versions beneath it</source>
        <translation>Details einer hochkopierten Datei: ihre Herkunft und die Versionen darunter</translation>
    </message>
    <message>
        <source>Every whiteout of the stack</source>
        <translation>Alle Whiteouts des Stapels</translation>
    </message>
    <message>
        <source>Assembling a stack, with the preflight of both engines</source>
        <translation>Einen Stapel zusammenstellen, mit der Vorabprüfung beider Engines</translation>
    </message>
</context>
<context>
    <name>strata::app::HelperMounter</name>
    <message>
        <source>privileged helper</source>
        <translation>privilegiertes Hilfsprogramm</translation>
    </message>
    <message>
        <source>Done.</source>
        <translation>Erledigt.</translation>
    </message>
    <message>
        <source>The privileged helper is not installed or could not be started.</source>
        <translation>Das privilegierte Hilfsprogramm ist nicht installiert oder konnte nicht gestartet werden.</translation>
    </message>
    <message>
        <source>The system does not know this action; the helper&apos;s polkit policy is not installed.</source>
        <translation>Das System kennt diese Aktion nicht; die polkit-Richtlinie des Hilfsprogramms ist nicht installiert.</translation>
    </message>
    <message>
        <source>The action is not valid.</source>
        <translation>Die Aktion ist ungültig.</translation>
    </message>
    <message>
        <source>Not authorized: the system&apos;s policy does not allow you to do this.</source>
        <translation>Keine Berechtigung: Die Richtlinie des Systems erlaubt Ihnen dies nicht.</translation>
    </message>
    <message>
        <source>Authorization was cancelled.</source>
        <translation>Die Legitimierung wurde abgebrochen.</translation>
    </message>
    <message>
        <source>The helper is busy with another request; try again.</source>
        <translation>Das Hilfsprogramm bearbeitet gerade eine andere Anfrage; versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>The request was already started.</source>
        <translation>Die Anfrage wurde bereits gestartet.</translation>
    </message>
    <message>
        <source>Could not contact the privileged helper (D-Bus).</source>
        <translation>Das privilegierte Hilfsprogramm ist nicht erreichbar (D-Bus).</translation>
    </message>
    <message>
        <source>The authorization system failed.</source>
        <translation>Das Legitimierungssystem ist fehlgeschlagen.</translation>
    </message>
    <message>
        <source>The request is malformed.</source>
        <translation>Die Anfrage ist fehlerhaft.</translation>
    </message>
    <message>
        <source>A path is not absolute.</source>
        <translation>Ein Pfad ist nicht absolut.</translation>
    </message>
    <message>
        <source>A path is not canonical (it contains &quot;.&quot;, &quot;..&quot;, &quot;//&quot; or a trailing slash).</source>
        <translation>Ein Pfad ist nicht kanonisch (er enthält „.“, „..“, „//“ oder einen abschließenden Schrägstrich).</translation>
    </message>
    <message>
        <source>A path contains a control character such as a newline.</source>
        <translation>Ein Pfad enthält ein Steuerzeichen wie einen Zeilenumbruch.</translation>
    </message>
    <message>
        <source>A path contains &apos;,&apos;, &apos;:&apos; or &apos;\&apos;, which separate mount options.</source>
        <translation>Ein Pfad enthält „,“, „:“ oder „\“, die Einhängeoptionen trennen.</translation>
    </message>
    <message>
        <source>A path is empty or too long.</source>
        <translation>Ein Pfad ist leer oder zu lang.</translation>
    </message>
    <message>
        <source>A path is or passes through a symbolic link.</source>
        <translation>Ein Pfad ist eine symbolische Verknüpfung oder führt durch eine.</translation>
    </message>
    <message>
        <source>A directory does not exist.</source>
        <translation>Ein Verzeichnis existiert nicht.</translation>
    </message>
    <message>
        <source>A path is not a directory.</source>
        <translation>Ein Pfad ist kein Verzeichnis.</translation>
    </message>
    <message>
        <source>You cannot read a layer directory.</source>
        <translation>Sie können ein Schichtverzeichnis nicht lesen.</translation>
    </message>
    <message>
        <source>The upper directory, work directory and mount point must be your own.</source>
        <translation>Das obere Verzeichnis, das Arbeitsverzeichnis und der Einhängepunkt müssen Ihnen gehören.</translation>
    </message>
    <message>
        <source>The mount point is a system directory or inside one.</source>
        <translation>Der Einhängepunkt ist ein Systemverzeichnis oder liegt in einem.</translation>
    </message>
    <message>
        <source>A mount option is not allowed.</source>
        <translation>Eine Einhängeoption ist nicht erlaubt.</translation>
    </message>
    <message>
        <source>The stack has more lower layers than allowed.</source>
        <translation>Der Stapel hat mehr untere Schichten als erlaubt.</translation>
    </message>
    <message>
        <source>The stack has too few lower layers.</source>
        <translation>Der Stapel hat zu wenige untere Schichten.</translation>
    </message>
    <message>
        <source>The upper or work directory is inside a lower layer.</source>
        <translation>Das obere Verzeichnis oder das Arbeitsverzeichnis liegt in einer unteren Schicht.</translation>
    </message>
    <message>
        <source>The work directory must be on the same file system as the upper directory.</source>
        <translation>Das Arbeitsverzeichnis muss auf demselben Dateisystem liegen wie das obere Verzeichnis.</translation>
    </message>
    <message>
        <source>Two layers overlap.</source>
        <translation>Zwei Schichten überschneiden sich.</translation>
    </message>
    <message>
        <source>An upper directory needs a work directory, and the other way round.</source>
        <translation>Ein oberes Verzeichnis braucht ein Arbeitsverzeichnis und umgekehrt.</translation>
    </message>
    <message>
        <source>The stack name may hold only letters, digits, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;.</source>
        <translation>Der Stapelname darf nur Buchstaben, Ziffern, „.“, „_“ und „-“ enthalten.</translation>
    </message>
    <message>
        <source>A path is not valid UTF-8.</source>
        <translation>Ein Pfad ist kein gültiges UTF-8.</translation>
    </message>
    <message>
        <source>The mount point cannot be used: it is inside a writable layer.</source>
        <translation>Der Einhängepunkt ist nicht verwendbar: Er liegt in einer beschreibbaren Schicht.</translation>
    </message>
    <message>
        <source>The kernel refused the overlay mount.</source>
        <translation>Der Kernel hat die Overlay-Einhängung abgelehnt.</translation>
    </message>
    <message>
        <source>The Strata engine (strata-fuse) is not installed.</source>
        <translation>Die Strata-Engine (strata-fuse) ist nicht installiert.</translation>
    </message>
    <message>
        <source>The Strata engine could not mount the stack.</source>
        <translation>Die Strata-Engine konnte den Stapel nicht einhängen.</translation>
    </message>
    <message>
        <source>The Strata engine did not start in time.</source>
        <translation>Die Strata-Engine ist nicht rechtzeitig gestartet.</translation>
    </message>
    <message>
        <source>Nothing is mounted there.</source>
        <translation>Dort ist nichts eingehängt.</translation>
    </message>
    <message>
        <source>That mount was not made by Strata&apos;s helper.</source>
        <translation>Diese Einhängung stammt nicht vom Hilfsprogramm von Strata.</translation>
    </message>
    <message>
        <source>That mount belongs to another user.</source>
        <translation>Diese Einhängung gehört einem anderen Benutzer.</translation>
    </message>
    <message>
        <source>The kernel refused to unmount (is it busy?).</source>
        <translation>Der Kernel hat das Aushängen abgelehnt (wird sie noch benutzt?).</translation>
    </message>
    <message>
        <source>The helper&apos;s record of mounts is damaged.</source>
        <translation>Die Aufzeichnung der Einhängungen des Hilfsprogramms ist beschädigt.</translation>
    </message>
    <message>
        <source>The stack could not be read.</source>
        <translation>Der Stapel konnte nicht gelesen werden.</translation>
    </message>
    <message>
        <source>The helper&apos;s answer belonged to another request and was discarded; whether yours ran is unknown: check the mounts, then try again.</source>
        <translation>Die Antwort des Hilfsprogramms gehörte zu einer anderen Anfrage und wurde verworfen; ob Ihre ausgeführt wurde, ist unbekannt: Prüfen Sie die Einhängungen und versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <source>The privileged helper did not answer in time.</source>
        <translation>Das privilegierte Hilfsprogramm hat nicht rechtzeitig geantwortet.</translation>
    </message>
    <message>
        <source>The privileged helper failed (code %1).</source>
        <translation>Das privilegierte Hilfsprogramm ist fehlgeschlagen (Code %1).</translation>
    </message>
    <message>
        <source>A lower layer holds a directory you cannot read, or a mount point; mounting it would show you what it hides.</source>
        <translation>Eine untere Schicht enthält ein Verzeichnis, das Sie nicht lesen dürfen, oder einen Einhängepunkt; das Einhängen würde Ihnen zeigen, was es verbirgt.</translation>
    </message>
</context>
<context>
    <name>strata::app::UserMounter</name>
    <message>
        <source>user (strata-fuse through fusermount3)</source>
        <translation>Benutzer (strata-fuse über fusermount3)</translation>
    </message>
    <message>
        <source>Mounting with kernel overlayfs needs the privileged helper, which this build does not use; mount with strata-fuse instead.</source>
        <translation>Das Einhängen mit Kernel-overlayfs braucht das privilegierte Hilfsprogramm, das dieser Build nicht verwendet; hängen Sie stattdessen mit strata-fuse ein.</translation>
    </message>
    <message>
        <source>strata-fuse is not built or not installed (looked beside %1 and in PATH); build the strata-fuse target first.</source>
        <translation>strata-fuse ist nicht gebaut oder nicht installiert (gesucht neben %1 und im PATH); bauen Sie zuerst das Ziel strata-fuse.</translation>
    </message>
    <message>
        <source>A stack needs at least one lower layer.</source>
        <translation>Ein Stapel braucht mindestens eine untere Schicht.</translation>
    </message>
    <message>
        <source>strata-fuse cannot mount this stack: %1</source>
        <translation>strata-fuse kann diesen Stapel nicht einhängen: %1</translation>
    </message>
    <message>
        <source>mount</source>
        <translation>Einhängen</translation>
    </message>
    <message>
        <source>fusermount3 was not found in PATH (package fuse3).</source>
        <translation>fusermount3 wurde nicht im PATH gefunden (Paket fuse3).</translation>
    </message>
    <message>
        <source>unmount</source>
        <translation>Aushängen</translation>
    </message>
    <message>
        <source>%1 of %2 done</source>
        <translation>%1 von %2 erledigt</translation>
    </message>
    <message>
        <source>%1 of %2 failed: %3</source>
        <translation>%1 von %2 fehlgeschlagen: %3</translation>
    </message>
    <message>
        <source>exit code %1</source>
        <translation>Exit-Code %1</translation>
    </message>
    <message>
        <source>could not start %1: %2</source>
        <translation>%1 konnte nicht gestartet werden: %2</translation>
    </message>
    <message>
        <source>%1 of %2 did not finish within %3 s and was stopped</source>
        <translation>%1 von %2 wurde nicht innerhalb von %3 s fertig und wurde abgebrochen</translation>
    </message>
</context>
<context>
    <name>strata::gui</name>
    <message>
        <source>upper</source>
        <translation>obere</translation>
    </message>
    <message>
        <source>L%1</source>
        <translation>L%1</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source> version</source>
        <translation> Version</translation>
    </message>
    <message>
        <source> flags</source>
        <translation> Flags</translation>
    </message>
    <message>
        <source> fid type</source>
        <translation> FID-Typ</translation>
    </message>
    <message>
        <source> fs uuid</source>
        <translation> Dateisystem-UUID</translation>
    </message>
    <message>
        <source>null (uuid=off or none)</source>
        <translation>null (uuid=off oder keine)</translation>
    </message>
    <message>
        <source> fid</source>
        <translation> FID</translation>
    </message>
    <message>
        <source> inode / generation</source>
        <translation> Inode / Generation</translation>
    </message>
    <message>
        <source>Entry</source>
        <translation>Eintrag</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>Pfad</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>whiteout</source>
        <translation>Whiteout</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <source>Path in layer</source>
        <translation>Pfad in der Schicht</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>plain</source>
        <translation>einfach</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Modus</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Eigentümer</translation>
    </message>
    <message>
        <source>Modified</source>
        <translation>Geändert</translation>
    </message>
    <message>
        <source>Protected attributes</source>
        <translation>Geschützte Attribute</translation>
    </message>
    <message>
        <source>Inode</source>
        <translation>Inode</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>Links</source>
        <translation>Verknüpfungen</translation>
    </message>
    <message>
        <source>Blocks</source>
        <translation>Blöcke</translation>
    </message>
    <message>
        <source>Device number</source>
        <translation>Gerätenummer</translation>
    </message>
    <message>
        <source>Shared whiteout</source>
        <translation>Geteiltes Whiteout</translation>
    </message>
    <message>
        <source>hard-linked whiteout inode (nlink &gt; 1)</source>
        <translation>Whiteout-Inode mit harten Verknüpfungen (nlink &gt; 1)</translation>
    </message>
    <message>
        <source>Overlay attributes</source>
        <translation>Overlay-Attribute</translation>
    </message>
    <message>
        <source>  (absolute: from the layer roots below)</source>
        <translation>  (absolut: von den Schichtwurzeln darunter)</translation>
    </message>
    <message>
        <source>  (relative: renamed in the parent)</source>
        <translation>  (relativ: im Elternverzeichnis umbenannt)</translation>
    </message>
    <message>
        <source>Redirect</source>
        <translation>Redirect</translation>
    </message>
    <message>
        <source>Origin</source>
        <translation>Herkunft</translation>
    </message>
    <message>
        <source>Origin handle</source>
        <translation>Herkunfts-Handle</translation>
    </message>
    <message>
        <source>Copied up from</source>
        <translation>Hochkopiert aus</translation>
    </message>
    <message>
        <source>Origin detail</source>
        <translation>Herkunftsdetail</translation>
    </message>
    <message>
        <source>Metacopy</source>
        <translation>Metacopy</translation>
    </message>
    <message>
        <source>metadata only (no digest)</source>
        <translation>nur Metadaten (kein Digest)</translation>
    </message>
    <message>
        <source>version %1, flags %2</source>
        <translation>Version %1, Flags %2</translation>
    </message>
    <message>
        <source>Digest algorithm</source>
        <translation>Digest-Algorithmus</translation>
    </message>
    <message>
        <source>Digest</source>
        <translation>Digest</translation>
    </message>
    <message>
        <source>Data in</source>
        <translation>Daten in</translation>
    </message>
    <message>
        <source>not found: reads would fail</source>
        <translation>nicht gefunden: Lesezugriffe würden fehlschlagen</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Hinweis</translation>
    </message>
    <message>
        <source>overlay xattrs are unreadable by this process (trusted.* needs CAP_SYS_ADMIN)</source>
        <translation>Overlay-xattrs sind für diesen Prozess nicht lesbar (trusted.* braucht CAP_SYS_ADMIN)</translation>
    </message>
    <message>
        <source>Merged from</source>
        <translation>Zusammengeführt aus</translation>
    </message>
    <message>
        <source>Beneath (shadowed versions)</source>
        <translation>Darunter (verdeckte Versionen)</translation>
    </message>
    <message>
        <source>modified %1</source>
        <translation>geändert %1</translation>
    </message>
    <message>
        <source>nothing: no layer below holds this name</source>
        <translation>nichts: keine Schicht darunter enthält diesen Namen</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>Probleme</translation>
    </message>
    <message>
        <source>mounted read-write: changes go to the upper layer</source>
        <translation>les- und schreibbar eingehängt: Änderungen gehen in die obere Schicht</translation>
    </message>
    <message>
        <source>mounted read-only</source>
        <translation>schreibgeschützt eingehängt</translation>
    </message>
    <message>
        <source>a read-only lower layer (top first)</source>
        <translation>eine schreibgeschützte untere Schicht (oberste zuerst)</translation>
    </message>
    <message>
        <source>a data-only layer: reached only through metacopy redirects</source>
        <translation>eine Nur-Daten-Schicht: nur über Metacopy-Redirects erreichbar</translation>
    </message>
    <message>
        <source>the writable upper layer</source>
        <translation>die beschreibbare obere Schicht</translation>
    </message>
    <message>
        <source>staging area for atomic copy-up; same filesystem as the upper</source>
        <translation>Bereitstellungsbereich für atomares Hochkopieren; selbes Dateisystem wie die obere Schicht</translation>
    </message>
    <message>
        <source>renaming a merged dir writes a redirect; redirects are followed</source>
        <translation>Umbenennen eines zusammengeführten Verzeichnisses schreibt einen Redirect; Redirects werden verfolgt</translation>
    </message>
    <message>
        <source>redirects are followed but never created (rename of merged dirs: EXDEV)</source>
        <translation>Redirects werden verfolgt, aber nie angelegt (Umbenennen zusammengeführter Verzeichnisse: EXDEV)</translation>
    </message>
    <message>
        <source>redirects are not followed; a lookup meeting one fails</source>
        <translation>Redirects werden nicht verfolgt; eine Suche, die auf einen trifft, schlägt fehl</translation>
    </message>
    <message>
        <source>no redirects: renaming a merged dir fails with EXDEV</source>
        <translation>keine Redirects: Umbenennen eines zusammengeführten Verzeichnisses schlägt mit EXDEV fehl</translation>
    </message>
    <message>
        <source>redirect handling for renamed directories</source>
        <translation>Redirect-Behandlung für umbenannte Verzeichnisse</translation>
    </message>
    <message>
        <source>copied-up files are indexed by origin handle (keeps hard links whole)</source>
        <translation>hochkopierte Dateien werden nach Herkunfts-Handle indiziert (hält harte Verknüpfungen zusammen)</translation>
    </message>
    <message>
        <source>no inode index: hard links may break on copy-up</source>
        <translation>kein Inode-Index: harte Verknüpfungen können beim Hochkopieren zerfallen</translation>
    </message>
    <message>
        <source>how lower fs uuids are recorded in file handles (on/auto/null/off)</source>
        <translation>wie die Dateisystem-UUIDs der unteren Schichten in Datei-Handles festgehalten werden (on/auto/null/off)</translation>
    </message>
    <message>
        <source>overlay file handles can be exported over NFS (implies index)</source>
        <translation>Overlay-Datei-Handles können über NFS exportiert werden (setzt index voraus)</translation>
    </message>
    <message>
        <source>no NFS export of overlay file handles</source>
        <translation>kein NFS-Export von Overlay-Datei-Handles</translation>
    </message>
    <message>
        <source>inode numbers made unique across layers with high bits (on/auto/off)</source>
        <translation>Inode-Nummern über die Schichten hinweg durch hohe Bits eindeutig gemacht (on/auto/off)</translation>
    </message>
    <message>
        <source>metadata-only copy-up: chmod/chown copy up metadata, data stays below</source>
        <translation>Hochkopieren nur der Metadaten: chmod/chown kopieren Metadaten hoch, die Daten bleiben unten</translation>
    </message>
    <message>
        <source>every copy-up copies data</source>
        <translation>jedes Hochkopieren kopiert die Daten</translation>
    </message>
    <message>
        <source>no syncs to the upper: after a crash the upper and work dirs must be discarded</source>
        <translation>keine Syncs auf die obere Schicht: Nach einem Absturz müssen oberes Verzeichnis und Arbeitsverzeichnis verworfen werden</translation>
    </message>
    <message>
        <source>overlay metadata lives in user.overlay.* (unprivileged mounts)</source>
        <translation>Overlay-Metadaten liegen in user.overlay.* (Einhängungen ohne Privilegien)</translation>
    </message>
    <message>
        <source>fs-verity digests of metacopy data are checked (off/on/require)</source>
        <translation>fs-verity-Digests der Metacopy-Daten werden geprüft (off/on/require)</translation>
    </message>
    <message>
        <source>the kernel checks permissions from the inode mode (FUSE)</source>
        <translation>der Kernel prüft Berechtigungen anhand des Inode-Modus (FUSE)</translation>
    </message>
    <message>
        <source>other users may access the mount (FUSE)</source>
        <translation>andere Benutzer dürfen auf die Einhängung zugreifen (FUSE)</translation>
    </message>
    <message>
        <source>the owner of the FUSE connection</source>
        <translation>der Eigentümer der FUSE-Verbindung</translation>
    </message>
    <message>
        <source>per-mount flag</source>
        <translation>Flag pro Einhängung</translation>
    </message>
    <message>
        <source>(not an option Strata knows)</source>
        <translation>(keine Option, die Strata kennt)</translation>
    </message>
    <message>
        <source>Save stack file</source>
        <translation>Stapeldatei speichern</translation>
    </message>
    <message>
        <source>Stack files (*.json)</source>
        <translation>Stapeldateien (*.json)</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Nicht gespeichert: %1</translation>
    </message>
</context>
<context>
    <name>strata::gui::AssemblyPanel</name>
    <message>
        <source>Drop layer directories here, top layer first. Drag to reorder; the first lower is the top of the stack.</source>
        <translation>Legen Sie Schichtverzeichnisse hier ab, oberste Schicht zuerst. Ziehen zum Umordnen; die erste untere Schicht ist die Spitze des Stapels.</translation>
    </message>
    <message>
        <source>&amp;Add…</source>
        <translation>Hinzu&amp;fügen …</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>Nach oben</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>Nach unten</translation>
    </message>
    <message>
        <source>Use as upper</source>
        <translation>Als obere verwenden</translation>
    </message>
    <message>
        <source>Use as work</source>
        <translation>Als Arbeitsverzeichnis verwenden</translation>
    </message>
    <message>
        <source>Use as lower</source>
        <translation>Als untere verwenden</translation>
    </message>
    <message>
        <source>Use as data-only</source>
        <translation>Als Nur-Daten verwenden</translation>
    </message>
    <message>
        <source>Preflight: what each engine does with this stack</source>
        <translation>Vorabprüfung: was jede Engine mit diesem Stapel macht</translation>
    </message>
    <message>
        <source>Preflight</source>
        <translation>Vorabprüfung</translation>
    </message>
    <message>
        <source>Mount point</source>
        <translation>Einhängepunkt</translation>
    </message>
    <message>
        <source>&amp;Inspect</source>
        <translation>Untersu&amp;chen</translation>
    </message>
    <message>
        <source>&amp;Save…</source>
        <translation>S&amp;peichern …</translation>
    </message>
    <message>
        <source>&amp;Mount</source>
        <translation>Einhän&amp;gen</translation>
    </message>
    <message>
        <source>U&amp;nmount</source>
        <translation>A&amp;ushängen</translation>
    </message>
    <message>
        <source>Add layers first.</source>
        <translation>Fügen Sie zuerst Schichten hinzu.</translation>
    </message>
    <message>
        <source>assembled stack</source>
        <translation>zusammengestellter Stapel</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Add a layer directory</source>
        <translation>Ein Schichtverzeichnis hinzufügen</translation>
    </message>
    <message>
        <source>Choose a mount point first.</source>
        <translation>Wählen Sie zuerst einen Einhängepunkt.</translation>
    </message>
    <message>
        <source>Mounting %1 with %2…</source>
        <translation>%1 wird mit %2 eingehängt …</translation>
    </message>
    <message>
        <source>stack</source>
        <translation>Stapel</translation>
    </message>
    <message>
        <source>refuses: a stack needs at least one lower layer</source>
        <translation>lehnt ab: Ein Stapel braucht mindestens eine untere Schicht</translation>
    </message>
    <message>
        <source>refused as well</source>
        <translation>lehnt ebenfalls ab</translation>
    </message>
    <message>
        <source>mounts: no objection</source>
        <translation>hängt ein: keine Einwände</translation>
    </message>
    <message>
        <source>mounts</source>
        <translation>hängt ein</translation>
    </message>
    <message>
        <source>Mount with</source>
        <translation>Einhängen mit</translation>
    </message>
    <message>
        <source>strata-fuse, as you</source>
        <translation>strata-fuse, als Sie selbst</translation>
    </message>
    <message>
        <source>kernel overlayfs (privileged helper)</source>
        <translation>Kernel-overlayfs (privilegiertes Hilfsprogramm)</translation>
    </message>
    <message>
        <source>strata-fuse (privileged helper)</source>
        <translation>strata-fuse (privilegiertes Hilfsprogramm)</translation>
    </message>
</context>
<context>
    <name>strata::gui::AssemblyView</name>
    <message>
        <source>Stack being assembled</source>
        <translation>Stapel in Zusammenstellung</translation>
    </message>
</context>
<context>
    <name>strata::gui::ChangesDock</name>
    <message>
        <source>created</source>
        <translation>erstellt</translation>
    </message>
    <message>
        <source>deleted</source>
        <translation>gelöscht</translation>
    </message>
    <message>
        <source>moved away</source>
        <translation>wegverschoben</translation>
    </message>
    <message>
        <source>moved here</source>
        <translation>hierher verschoben</translation>
    </message>
    <message>
        <source>attributes changed</source>
        <translation>Attribute geändert</translation>
    </message>
    <message>
        <source>written</source>
        <translation>geschrieben</translation>
    </message>
    <message>
        <source>directory itself deleted</source>
        <translation>Verzeichnis selbst gelöscht</translation>
    </message>
    <message>
        <source>appeared</source>
        <translation>erschienen</translation>
    </message>
    <message>
        <source>vanished</source>
        <translation>verschwunden</translation>
    </message>
    <message>
        <source>hidden</source>
        <translation>verdeckt</translation>
    </message>
    <message>
        <source>revealed</source>
        <translation>wieder sichtbar</translation>
    </message>
    <message>
        <source>origin changed</source>
        <translation>Herkunft geändert</translation>
    </message>
    <message>
        <source>type changed</source>
        <translation>Typ geändert</translation>
    </message>
    <message>
        <source>size changed</source>
        <translation>Größe geändert</translation>
    </message>
    <message>
        <source>mode changed</source>
        <translation>Modus geändert</translation>
    </message>
    <message>
        <source>content changed</source>
        <translation>Inhalt geändert</translation>
    </message>
    <message>
        <source>overlay state changed</source>
        <translation>Overlay-Zustand geändert</translation>
    </message>
    <message>
        <source>owner changed</source>
        <translation>Eigentümer geändert</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>Änderungen</translation>
    </message>
    <message>
        <source>Nothing is watched: open a stack.</source>
        <translation>Nichts wird beobachtet: Öffnen Sie einen Stapel.</translation>
    </message>
    <message>
        <source>Show the changes of one layer only</source>
        <translation>Nur die Änderungen einer Schicht zeigen</translation>
    </message>
    <message>
        <source>Show one kind of change only</source>
        <translation>Nur eine Art von Änderung zeigen</translation>
    </message>
    <message>
        <source>All kinds</source>
        <translation>Alle Arten</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Deleted</source>
        <translation>Gelöscht</translation>
    </message>
    <message>
        <source>Attributes</source>
        <translation>Attribute</translation>
    </message>
    <message>
        <source>Written</source>
        <translation>Geschrieben</translation>
    </message>
    <message>
        <source>Lost events (rescans)</source>
        <translation>Verlorene Ereignisse (neu gelesen)</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Anhalten</translation>
    </message>
    <message>
        <source>C&amp;lear</source>
        <translation>&amp;Leeren</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <source>Path in layer</source>
        <translation>Pfad in der Schicht</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>Was geschah</translation>
    </message>
    <message>
        <source>Effect on the merged view</source>
        <translation>Wirkung auf die zusammengeführte Ansicht</translation>
    </message>
    <message>
        <source>All layers</source>
        <translation>Alle Schichten</translation>
    </message>
    <message>
        <source>Starting to watch the layers…</source>
        <translation>Die Schichten werden gleich beobachtet…</translation>
    </message>
    <message>
        <source>%1: %2 — %3</source>
        <translation>%1: %2 — %3</translation>
    </message>
    <message>
        <source>The layers cannot be watched: %1</source>
        <translation>Die Schichten können nicht beobachtet werden: %1</translation>
    </message>
    <message>
        <source>no effect</source>
        <translation>keine Wirkung</translation>
    </message>
    <message>
        <source>no effect (%1)</source>
        <translation>keine Wirkung (%1)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>events were lost: every loaded directory was read again</source>
        <translation>Ereignisse gingen verloren: jedes geladene Verzeichnis wurde neu gelesen</translation>
    </message>
    <message>
        <source>%1 from %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>%1 to %2</source>
        <translation>%1 nach %2</translation>
    </message>
</context>
<context>
    <name>strata::gui::DetailsPane</name>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Select an entry to see where it comes from, what lies beneath it and its overlay attributes.</source>
        <translation>Wählen Sie einen Eintrag, um zu sehen, woher er stammt, was unter ihm liegt und welche Overlay-Attribute er hat.</translation>
    </message>
</context>
<context>
    <name>strata::gui::DoctorDialog</name>
    <message>
        <source>&amp;Repair Volatile Upper…</source>
        <translation>Flüchtige Oberschicht &amp;reparieren…</translation>
    </message>
    <message>
        <source>Why Won&apos;t It Mount? — %1</source>
        <translation>Warum lässt es sich nicht einhängen? — %1</translation>
    </message>
    <message>
        <source>Verdicts</source>
        <translation>Befunde</translation>
    </message>
    <message>
        <source>&amp;Check Again</source>
        <translation>Erneut &amp;prüfen</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Prüfe…</translation>
    </message>
    <message>
        <source>Neither kernel overlayfs nor strata-fuse will mount this stack.</source>
        <translation>Weder Kernel-overlayfs noch strata-fuse hängen diesen Stapel ein.</translation>
    </message>
    <message>
        <source>Kernel overlayfs refuses this stack; strata-fuse mounts it.</source>
        <translation>Kernel-overlayfs lehnt diesen Stapel ab; strata-fuse hängt ihn ein.</translation>
    </message>
    <message>
        <source>Kernel overlayfs mounts this stack.</source>
        <translation>Kernel-overlayfs hängt diesen Stapel ein.</translation>
    </message>
    <message>
        <source>Repair Volatile Upper</source>
        <translation>Flüchtige Oberschicht reparieren</translation>
    </message>
    <message>
        <source>Strata syncs the upper filesystem and removes the volatile marker only if the system has not rebooted, the upper filesystem has not been remounted since the volatile mount, and no writeback error is reported. Otherwise nothing is changed. Go ahead?</source>
        <translation>Strata synchronisiert das Dateisystem der Oberschicht und entfernt die Volatile-Markierung nur, wenn das System seit dem flüchtigen Einhängen nicht neu gestartet und das Dateisystem der Oberschicht nicht neu eingehängt wurde und kein Rückschreibfehler gemeldet wird. Andernfalls wird nichts geändert. Fortfahren?</translation>
    </message>
    <message>
        <source>The upper is intact: the volatile marker was removed.</source>
        <translation>Die Oberschicht ist intakt: Die Volatile-Markierung wurde entfernt.</translation>
    </message>
    <message>
        <source>Could not remove the marker: %1</source>
        <translation>Die Markierung ließ sich nicht entfernen: %1</translation>
    </message>
    <message>
        <source>There is no volatile marker any more: nothing to repair.</source>
        <translation>Es gibt keine Volatile-Markierung mehr: nichts zu reparieren.</translation>
    </message>
    <message>
        <source>Not repaired: writes may have been lost.</source>
        <translation>Nicht repariert: Schreibvorgänge sind möglicherweise verloren gegangen.</translation>
    </message>
    <message>
        <source>
To start over, discard the upper: stratactl repair … --volatile --discard-upper</source>
        <translation>
Um neu anzufangen, die Oberschicht verwerfen: stratactl repair … --volatile --discard-upper</translation>
    </message>
</context>
<context>
    <name>strata::gui::LayerStackModel</name>
    <message>
        <source>read-only</source>
        <translation>schreibgeschützt</translation>
    </message>
    <message>
        <source>remote</source>
        <translation>entfernt</translation>
    </message>
    <message>
        <source>user.overlay</source>
        <translation>user.overlay</translation>
    </message>
    <message>
        <source>trusted.overlay</source>
        <translation>trusted.overlay</translation>
    </message>
    <message>
        <source>xattrs unreadable</source>
        <translation>xattrs nicht lesbar</translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation>nicht lesbar</translation>
    </message>
    <message>
        <source>upper</source>
        <translation>obere</translation>
    </message>
    <message>
        <source>lower</source>
        <translation>untere</translation>
    </message>
    <message>
        <source>data-only</source>
        <translation>Nur-Daten</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>Pfad</translation>
    </message>
    <message>
        <source>Filesystem</source>
        <translation>Dateisystem</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>FS UUID</source>
        <translation>Dateisystem-UUID</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Entries</source>
        <translation>Einträge</translation>
    </message>
    <message>
        <source>Whiteouts</source>
        <translation>Whiteouts</translation>
    </message>
    <message>
        <source>Opaque</source>
        <translation>Undurchsichtig</translation>
    </message>
    <message>
        <source>Badges</source>
        <translation>Kennzeichen</translation>
    </message>
    <message>
        <source>uuid changed</source>
        <translation>UUID geändert</translation>
    </message>
    <message>
        <source>Double-click to restamp.</source>
        <translation>Doppelklick zum Umstempeln.</translation>
    </message>
</context>
<context>
    <name>strata::gui::MainWindow</name>
    <message>
        <source>Strata</source>
        <translation>Strata</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Nothing is open&lt;/h2&gt;&lt;p&gt;Strata shows a layer stack the way the kernel sees it: where every file comes from, what is hidden, what was copied up.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;Nichts geöffnet&lt;/h2&gt;&lt;p&gt;Strata zeigt einen Schichtstapel so, wie der Kernel ihn sieht: woher jede Datei stammt, was verborgen ist, was hochkopiert wurde.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Open the &amp;demo stack (every overlay state, created in a temporary directory)</source>
        <translation>Den De&amp;mo-Stapel öffnen (jeder Overlay-Zustand, in einem temporären Verzeichnis angelegt)</translation>
    </message>
    <message>
        <source>Open a &amp;mounted stack…</source>
        <translation>&amp;Eingehängten Stapel öffnen …</translation>
    </message>
    <message>
        <source>Open a stack &amp;file…</source>
        <translation>S&amp;tapeldatei öffnen …</translation>
    </message>
    <message>
        <source>&amp;Assemble a new stack…</source>
        <translation>Neuen Stapel &amp;zusammenstellen …</translation>
    </message>
    <message>
        <source>&amp;Layers</source>
        <translation>&amp;Schichten</translation>
    </message>
    <message>
        <source>Assem&amp;ble</source>
        <translation>Zusa&amp;mmenstellen</translation>
    </message>
    <message>
        <source>%1 is not loaded in the tree yet: open its directory first</source>
        <translation>%1 ist noch nicht im Baum geladen: Öffnen Sie zuerst sein Verzeichnis</translation>
    </message>
    <message>
        <source>Assembled stack</source>
        <translation>Zusammengestellter Stapel</translation>
    </message>
    <message>
        <source>Counting cancelled</source>
        <translation>Zählen abgebrochen</translation>
    </message>
    <message>
        <source>Opening…</source>
        <translation>Wird geöffnet …</translation>
    </message>
    <message>
        <source>Could not open %1: %2</source>
        <translation>%1 konnte nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>Could not create a temporary directory: %1</source>
        <translation>Ein temporäres Verzeichnis konnte nicht angelegt werden: %1</translation>
    </message>
    <message>
        <source>Could not create the demo stack: %1</source>
        <translation>Der Demo-Stapel konnte nicht angelegt werden: %1</translation>
    </message>
    <message>
        <source>Demo stack in %1</source>
        <translation>Demo-Stapel in %1</translation>
    </message>
    <message>
        <source>%1 — Strata</source>
        <translation>%1 — Strata</translation>
    </message>
    <message numerus="yes">
        <source>%n layers, xattrs in %1.overlay.*</source>
        <translation>
            <numerusform>%n Schicht, xattrs in %1.overlay.*</numerusform>
            <numerusform>%n Schichten, xattrs in %1.overlay.*</numerusform>
        </translation>
    </message>
    <message>
        <source>trusted.overlay.* xattrs are unreadable without CAP_SYS_ADMIN: opaque dirs, redirects, origins and metacopy are shown as unknown, never guessed.</source>
        <translation>trusted.overlay.*-xattrs sind ohne CAP_SYS_ADMIN nicht lesbar: Undurchsichtige Verzeichnisse, Redirects, Herkünfte und Metacopy werden als unbekannt angezeigt, nie geraten.</translation>
    </message>
    <message>
        <source>Data-only layers are not merged into the tree; their files are reached through metacopy redirects.</source>
        <translation>Nur-Daten-Schichten werden nicht in den Baum eingebunden; ihre Dateien werden über Metacopy-Redirects erreicht.</translation>
    </message>
    <message numerus="yes">
        <source>Merged view of %n layers</source>
        <translation>
            <numerusform>Zusammengeführte Ansicht von %n Schicht</numerusform>
            <numerusform>Zusammengeführte Ansicht von %n Schichten</numerusform>
        </translation>
    </message>
    <message>
        <source>Only what %1 holds — green: added, amber: modified, red: deleted</source>
        <translation>Nur was %1 enthält — grün: hinzugefügt, gelb: geändert, rot: gelöscht</translation>
    </message>
    <message>
        <source>Cumulative view: %1 and the layers below it</source>
        <translation>Kumulative Ansicht: %1 und die Schichten darunter</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>Open &amp;Mounted Stack…</source>
        <translation>&amp;Eingehängten Stapel öffnen …</translation>
    </message>
    <message>
        <source>&amp;Open Stack File…</source>
        <translation>Stapel&amp;datei öffnen …</translation>
    </message>
    <message>
        <source>Open Layer &amp;Directory…</source>
        <translation>Schicht&amp;verzeichnis öffnen …</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>Open D&amp;emo Stack</source>
        <translation>De&amp;mo-Stapel öffnen</translation>
    </message>
    <message>
        <source>&amp;Assemble New Stack</source>
        <translation>Neuen Stapel zu&amp;sammenstellen</translation>
    </message>
    <message>
        <source>&amp;Save Stack As…</source>
        <translation>Stapel speichern &amp;unter …</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>Show &amp;Whiteouts</source>
        <translation>&amp;Whiteouts anzeigen</translation>
    </message>
    <message>
        <source>&amp;Merged View</source>
        <translation>&amp;Zusammengeführte Ansicht</translation>
    </message>
    <message>
        <source>Selected &amp;Layer Only</source>
        <translation>Nur die &amp;ausgewählte Schicht</translation>
    </message>
    <message>
        <source>&amp;Cumulative up to Selected Layer</source>
        <translation>&amp;Kumulativ bis zur ausgewählten Schicht</translation>
    </message>
    <message>
        <source>&amp;Find Path…</source>
        <translation>Pfad &amp;suchen …</translation>
    </message>
    <message>
        <source>Go to &amp;Layers</source>
        <translation>Zu den Sc&amp;hichten</translation>
    </message>
    <message>
        <source>Go to &amp;Tree</source>
        <translation>Zum &amp;Baum</translation>
    </message>
    <message>
        <source>Go to &amp;Details</source>
        <translation>Zu den &amp;Details</translation>
    </message>
    <message>
        <source>Go to &amp;Reports</source>
        <translation>Zu den Be&amp;richten</translation>
    </message>
    <message>
        <source>&amp;Reload</source>
        <translation>&amp;Neu laden</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Strata</source>
        <translation>Ü&amp;ber Strata</translation>
    </message>
    <message>
        <source>About Strata</source>
        <translation>Über Strata</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Strata %1&lt;/h3&gt;&lt;p&gt;Inspect and manage layered (overlayfs) mounts.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Strata %1&lt;/h3&gt;&lt;p&gt;Geschichtete Einhängungen (overlayfs) untersuchen und verwalten.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Open stack file</source>
        <translation>Stapeldatei öffnen</translation>
    </message>
    <message>
        <source>Stack files (*.json);;All files (*)</source>
        <translation>Stapeldateien (*.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Open layers on disk: a layer, a directory of lower*/ upper/ work/, or a Docker/Podman layer</source>
        <translation>Schichten auf der Festplatte öffnen: eine Schicht, ein Verzeichnis mit lower*/ upper/ work/ oder eine Docker-/Podman-Schicht</translation>
    </message>
    <message>
        <source>Why Won&apos;t It &amp;Mount?</source>
        <translation>Warum lässt es sich nicht &amp;einhängen?</translation>
    </message>
    <message>
        <source>Double-click the &quot;uuid changed&quot; badge for the ways out.</source>
        <translation>Doppelklicken Sie auf das Abzeichen &quot;UUID geändert&quot;, um die Auswege zu sehen.</translation>
    </message>
    <message>
        <source>&amp;Verify…</source>
        <translation>&amp;Prüfen…</translation>
    </message>
    <message>
        <source>Compare what the mount shows with what its layers hold now</source>
        <translation>Vergleichen, was die Einhängung zeigt, mit dem, was ihre Schichten jetzt enthalten</translation>
    </message>
    <message>
        <source>A lower layer changed (%1 in %2): the kernel&apos;s view of this mount may be stale.</source>
        <translation>Eine untere Schicht hat sich geändert (%1 in %2): die Sicht des Kernels auf diese Einhängung ist womöglich veraltet.</translation>
    </message>
</context>
<context>
    <name>strata::gui::MergedTreeModel</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Modus</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Eigentümer</translation>
    </message>
    <message>
        <source>Modified</source>
        <translation>Geändert</translation>
    </message>
</context>
<context>
    <name>strata::gui::MessageBar</name>
    <message>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Dismiss message</source>
        <translation>Meldung schließen</translation>
    </message>
    <message numerus="yes">
        <source>(+%n more)</source>
        <translation>
            <numerusform>(+%n weitere)</numerusform>
            <numerusform>(+%n weitere)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>strata::gui::MountsDialog</name>
    <message>
        <source>Open a mounted stack</source>
        <translation>Einen eingehängten Stapel öffnen</translation>
    </message>
    <message>
        <source>Union mounts</source>
        <translation>Union-Einhängungen</translation>
    </message>
    <message>
        <source>No overlay or FUSE union mounts are visible to this process. The list updates as mounts appear.</source>
        <translation>Für diesen Prozess sind keine Overlay- oder FUSE-Union-Einhängungen sichtbar. Die Liste aktualisiert sich, sobald Einhängungen erscheinen.</translation>
    </message>
    <message>
        <source>Updated live from the mount table.</source>
        <translation>Live aus der Einhängetabelle aktualisiert.</translation>
    </message>
</context>
<context>
    <name>strata::gui::ReportTab</name>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Read again</source>
        <translation>Erneut lesen</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>Wird gelesen …</translation>
    </message>
    <message>
        <source>Reading… %L1 entries</source>
        <translation>Wird gelesen … %L1 Einträge</translation>
    </message>
    <message>
        <source>Cancelled. Read again to see the whole list.</source>
        <translation>Abgebrochen. Lesen Sie erneut, um die ganze Liste zu sehen.</translation>
    </message>
</context>
<context>
    <name>strata::gui::ReportViews</name>
    <message>
        <source>W&amp;hiteouts</source>
        <translation>Whi&amp;teouts</translation>
    </message>
    <message>
        <source>&amp;Index</source>
        <translation>&amp;Index</translation>
    </message>
    <message>
        <source>Mount &amp;options</source>
        <translation>Einhänge&amp;optionen</translation>
    </message>
    <message>
        <source>S&amp;ummary</source>
        <translation>Ü&amp;bersicht</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>Wird gezählt …</translation>
    </message>
    <message numerus="yes">
        <source>%n whiteouts in the merged view</source>
        <translation>
            <numerusform>%n Whiteout in der zusammengeführten Ansicht</numerusform>
            <numerusform>%n Whiteouts in der zusammengeführten Ansicht</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n index entries in %1</source>
        <translation>
            <numerusform>%n Indexeintrag in %1</numerusform>
            <numerusform>%n Indexeinträge in %1</numerusform>
        </translation>
    </message>
    <message>
        <source>No index: the stack has no work dir, or was never mounted with index=on</source>
        <translation>Kein Index: Der Stapel hat kein Arbeitsverzeichnis oder wurde nie mit index=on eingehängt</translation>
    </message>
    <message>
        <source>From the mount&apos;s line in /proc/self/mountinfo</source>
        <translation>Aus der Zeile der Einhängung in /proc/self/mountinfo</translation>
    </message>
    <message>
        <source>Not mounted: the layers and options of the stack as opened</source>
        <translation>Nicht eingehängt: die Schichten und Optionen des Stapels wie geöffnet</translation>
    </message>
    <message numerus="yes">
        <source>Wasted: %1 in %n entries stored but hidden by higher layers; visible: %2 in %L3 entries</source>
        <translation>
            <numerusform>Verschwendet: %1 in %n Eintrag, gespeichert, aber von höheren Schichten verdeckt; sichtbar: %2 in %L3 Einträgen</numerusform>
            <numerusform>Verschwendet: %1 in %n Einträgen, gespeichert, aber von höheren Schichten verdeckt; sichtbar: %2 in %L3 Einträgen</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelled: the figures are partial</source>
        <translation>Abgebrochen: Die Zahlen sind unvollständig</translation>
    </message>
    <message>
        <source>Counting… %L1 entries</source>
        <translation>Wird gezählt … %L1 Einträge</translation>
    </message>
    <message numerus="yes">
        <source> (%n covered by a higher layer that made the name again)</source>
        <translation>
            <numerusform> (%n davon überdeckt von einer höheren Schicht, die den Namen neu angelegt hat)</numerusform>
            <numerusform> (%n davon überdeckt von einer höheren Schicht, die den Namen neu angelegt hat)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>strata::gui::RestampDialog</name>
    <message>
        <source>&amp;Restamp</source>
        <translation>&amp;Umstempeln</translation>
    </message>
    <message>
        <source>Restamp filesystem UUID</source>
        <translation>Dateisystem-UUID umstempeln</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>Änderungen</translation>
    </message>
    <message>
        <source>Restamp is not possible for this stack: more than the UUID differs.</source>
        <translation>Umstempeln ist für diesen Stapel nicht möglich: mehr als die UUID unterscheidet sich.</translation>
    </message>
    <message>
        <source>Listing the changes (nothing is changed yet)…</source>
        <translation>Änderungen werden aufgelistet (noch wird nichts geändert) …</translation>
    </message>
    <message numerus="yes">
        <source>%n changes to make. The stack must not be mounted while they are made.</source>
        <translation>
            <numerusform>%n Änderung ist zu machen. Der Stapel darf währenddessen nicht eingehängt sein.</numerusform>
            <numerusform>%n Änderungen sind zu machen. Der Stapel darf währenddessen nicht eingehängt sein.</numerusform>
        </translation>
    </message>
    <message>
        <source>Restamping…</source>
        <translation>Wird umgestempelt …</translation>
    </message>
    <message numerus="yes">
        <source>Done: %n changes made. index=on mounts work again.</source>
        <translation>
            <numerusform>Fertig: %n Änderung gemacht. Einhängen mit index=on funktioniert wieder.</numerusform>
            <numerusform>Fertig: %n Änderungen gemacht. Einhängen mit index=on funktioniert wieder.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>strata::gui::StackPanel</name>
    <message>
        <source>Layers</source>
        <translation>Schichten</translation>
    </message>
    <message>
        <source>&amp;Show:</source>
        <translation>An&amp;zeigen:</translation>
    </message>
    <message>
        <source>Merged view (all layers)</source>
        <translation>Zusammengeführte Ansicht (alle Schichten)</translation>
    </message>
    <message>
        <source>Selected layer only</source>
        <translation>Nur die ausgewählte Schicht</translation>
    </message>
    <message>
        <source>Cumulative, up to the selected layer</source>
        <translation>Kumulativ, bis zur ausgewählten Schicht</translation>
    </message>
    <message>
        <source>Layer only: what the layer holds, marked added / modified / deleted.
Cumulative: the stack as if the layers above did not exist.</source>
        <translation>Nur die Schicht: was die Schicht enthält, markiert als hinzugefügt / geändert / gelöscht.
Kumulativ: der Stapel, als gäbe es die Schichten darüber nicht.</translation>
    </message>
    <message>
        <source>Stop counting</source>
        <translation>Zählen beenden</translation>
    </message>
    <message>
        <source>Counting layers… %L1 entries</source>
        <translation>Schichten werden gezählt … %L1 Einträge</translation>
    </message>
</context>
<context>
    <name>strata::gui::TreePanel</name>
    <message>
        <source>&amp;Whiteouts</source>
        <translation>&amp;Whiteouts</translation>
    </message>
    <message>
        <source>Search every path (regular expression)…</source>
        <translation>Alle Pfade durchsuchen (regulärer Ausdruck) …</translation>
    </message>
    <message>
        <source>Path search</source>
        <translation>Pfadsuche</translation>
    </message>
    <message>
        <source>State filter</source>
        <translation>Zustandsfilter</translation>
    </message>
    <message>
        <source>Any state</source>
        <translation>Jeder Zustand</translation>
    </message>
    <message>
        <source>Whiteouts</source>
        <translation>Whiteouts</translation>
    </message>
    <message>
        <source>Opaque dirs</source>
        <translation>Undurchsichtige Verzeichnisse</translation>
    </message>
    <message>
        <source>Redirected</source>
        <translation>Umgeleitet (Redirect)</translation>
    </message>
    <message>
        <source>Copied up</source>
        <translation>Hochkopiert</translation>
    </message>
    <message>
        <source>Metacopy</source>
        <translation>Metacopy</translation>
    </message>
    <message>
        <source>Merged dirs</source>
        <translation>Zusammengeführte Verzeichnisse</translation>
    </message>
    <message>
        <source>Created in upper</source>
        <translation>In der oberen Schicht angelegt</translation>
    </message>
    <message>
        <source>Layer filter</source>
        <translation>Schichtfilter</translation>
    </message>
    <message>
        <source>Show deleted names (struck through)</source>
        <translation>Gelöschte Namen anzeigen (durchgestrichen)</translation>
    </message>
    <message>
        <source>Merged tree</source>
        <translation>Zusammengeführter Baum</translation>
    </message>
    <message>
        <source>Reading directories…</source>
        <translation>Verzeichnisse werden gelesen …</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Any layer</source>
        <translation>Jede Schicht</translation>
    </message>
    <message>
        <source>Cancel Search</source>
        <translation>Suche abbrechen</translation>
    </message>
    <message>
        <source>Search status</source>
        <translation>Suchstatus</translation>
    </message>
    <message>
        <source>Searching… %L1 entries read, %L2 matches</source>
        <translation>Suche … %L1 Einträge gelesen, %L2 Treffer</translation>
    </message>
    <message>
        <source>%L1 matches in %L2 entries; the first %L3 are shown, %L4 more are not (narrow the pattern)</source>
        <translation>%L1 Treffer in %L2 Einträgen; die ersten %L3 werden angezeigt, %L4 weitere nicht (Muster eingrenzen)</translation>
    </message>
    <message>
        <source>%L1 matches in %L2 entries</source>
        <translation>%L1 Treffer in %L2 Einträgen</translation>
    </message>
    <message>
        <source>Search: %1</source>
        <translation>Suche: %1</translation>
    </message>
    <message>
        <source>Search cancelled after %L1 entries; the %L2 matches found so far are shown</source>
        <translation>Suche nach %L1 Einträgen abgebrochen; die %L2 bisher gefundenen Treffer werden angezeigt</translation>
    </message>
    <message>
        <source>“%1” is not a valid regular expression: %2 (at character %3)</source>
        <translation>„%1“ ist kein gültiger regulärer Ausdruck: %2 (bei Zeichen %3)</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Suche …</translation>
    </message>
</context>
<context>
    <name>strata::gui::VerifyReport</name>
    <message>
        <source>Verify the mount</source>
        <translation>Einhängung prüfen</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>Pfad</translation>
    </message>
    <message>
        <source>Fact</source>
        <translation>Angabe</translation>
    </message>
    <message>
        <source>The mount shows</source>
        <translation>Die Einhängung zeigt</translation>
    </message>
    <message>
        <source>The layers say</source>
        <translation>Die Schichten sagen</translation>
    </message>
    <message>
        <source>ghost: shown by the mount, not by the layers</source>
        <translation>Geist: von der Einhängung gezeigt, nicht von den Schichten</translation>
    </message>
    <message>
        <source>missing: in the layers, not shown by the mount</source>
        <translation>fehlt: in den Schichten, von der Einhängung nicht gezeigt</translation>
    </message>
    <message>
        <source>stale: a fact differs</source>
        <translation>veraltet: eine Angabe weicht ab</translation>
    </message>
    <message>
        <source>Comparing %1 with its layers…</source>
        <translation>%1 wird mit seinen Schichten verglichen…</translation>
    </message>
    <message>
        <source>Could not verify %1: %2</source>
        <translation>%1 konnte nicht geprüft werden: %2</translation>
    </message>
    <message numerus="yes">
        <source>The mount agrees with its layers: %n entries compared</source>
        <translation>
            <numerusform>Die Einhängung stimmt mit ihren Schichten überein: %n Eintrag verglichen</numerusform>
            <numerusform>Die Einhängung stimmt mit ihren Schichten überein: %n Einträge verglichen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The mount differs from its layers in %n places</source>
        <translation>
            <numerusform>Die Einhängung weicht an %n Stelle von ihren Schichten ab</numerusform>
            <numerusform>Die Einhängung weicht an %n Stellen von ihren Schichten ab</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>(%n directories).</source>
        <translation>
            <numerusform>(%n Verzeichnis).</numerusform>
            <numerusform>(%n Verzeichnisse).</numerusform>
        </translation>
    </message>
    <message>
        <source>Stopped before the end.</source>
        <translation>Vor dem Ende angehalten.</translation>
    </message>
</context>
<context>
    <name>strata::gui::assembly</name>
    <message>
        <source>upper</source>
        <translation>obere</translation>
    </message>
    <message>
        <source>work</source>
        <translation>Arbeitsverzeichnis</translation>
    </message>
    <message>
        <source>lower</source>
        <translation>untere</translation>
    </message>
    <message>
        <source>data-only</source>
        <translation>Nur-Daten</translation>
    </message>
    <message>
        <source>not a local directory</source>
        <translation>kein lokales Verzeichnis</translation>
    </message>
    <message>
        <source>does not exist</source>
        <translation>existiert nicht</translation>
    </message>
    <message>
        <source>not a directory: a layer is a directory</source>
        <translation>kein Verzeichnis: Eine Schicht ist ein Verzeichnis</translation>
    </message>
    <message>
        <source>already in the stack</source>
        <translation>bereits im Stapel</translation>
    </message>
    <message>
        <source>more than %1 lower layers: the kernel refuses the mount</source>
        <translation>mehr als %1 untere Schichten: Der Kernel lehnt die Einhängung ab</translation>
    </message>
</context>
<context>
    <name>strata::gui::rows</name>
    <message>
        <source>Path</source>
        <translation>Pfad</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Hides</source>
        <translation>Verbirgt</translation>
    </message>
    <message>
        <source>xattr whiteout</source>
        <translation>xattr-Whiteout</translation>
    </message>
    <message>
        <source>0/0 device</source>
        <translation>0/0-Gerät</translation>
    </message>
    <message>
        <source>nothing (redundant)</source>
        <translation>nichts (überflüssig)</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Links</source>
        <translation>Verknüpfungen</translation>
    </message>
    <message>
        <source>Origin in</source>
        <translation>Herkunft in</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Detail</translation>
    </message>
    <message>
        <source> (union %1)</source>
        <translation> (Union %1)</translation>
    </message>
    <message>
        <source>Option</source>
        <translation>Option</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Meaning</source>
        <translation>Bedeutung</translation>
    </message>
    <message>
        <source>Layer identity</source>
        <translation>Schichtidentität</translation>
    </message>
    <message>
        <source>(mountinfo)</source>
        <translation>(mountinfo)</translation>
    </message>
    <message>
        <source>from mountinfo</source>
        <translation>aus mountinfo</translation>
    </message>
    <message>
        <source>Bytes</source>
        <translation>Bytes</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>Dateien</translation>
    </message>
    <message>
        <source>Dirs</source>
        <translation>Verzeichnisse</translation>
    </message>
    <message>
        <source>Whiteouts</source>
        <translation>Whiteouts</translation>
    </message>
    <message>
        <source>Opaque</source>
        <translation>Undurchsichtig</translation>
    </message>
    <message>
        <source>Redirects</source>
        <translation>Redirects</translation>
    </message>
    <message>
        <source>Metacopy</source>
        <translation>Metacopy</translation>
    </message>
    <message>
        <source>Copied up</source>
        <translation>Hochkopiert</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>Wasted</source>
        <translation>Verschwendet</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Kernel overlayfs</source>
        <translation>Kernel-overlayfs</translation>
    </message>
    <message>
        <source>strata-fuse</source>
        <translation>strata-fuse</translation>
    </message>
    <message>
        <source>stack</source>
        <translation>Stapel</translation>
    </message>
    <message>
        <source>lower %1</source>
        <translation>untere %1</translation>
    </message>
    <message>
        <source>data %1</source>
        <translation>Daten %1</translation>
    </message>
    <message>
        <source>upper</source>
        <translation>obere</translation>
    </message>
    <message>
        <source>work</source>
        <translation>Arbeitsverzeichnis</translation>
    </message>
    <message>
        <source>same</source>
        <translation>dasselbe</translation>
    </message>
    <message>
        <source>accepted: strata-fuse takes remote, FUSE and overlay uppers</source>
        <translation>angenommen: strata-fuse akzeptiert obere Schichten auf entfernten Dateisystemen, FUSE und Overlay</translation>
    </message>
    <message>
        <source>refused as well</source>
        <translation>lehnt ebenfalls ab</translation>
    </message>
    <message>
        <source>refuses</source>
        <translation>lehnt ab</translation>
    </message>
    <message>
        <source>warns</source>
        <translation>warnt</translation>
    </message>
    <message>
        <source>note</source>
        <translation>Hinweis</translation>
    </message>
    <message>
        <source>Mount point</source>
        <translation>Einhängepunkt</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>, shared inode (%1 links)</source>
        <translation>, geteilter Inode (%1 Verweise)</translation>
    </message>
    <message>
        <source>deletes</source>
        <translation>löscht</translation>
    </message>
    <message>
        <source>covered by %1</source>
        <translation>überdeckt von %1</translation>
    </message>
    <message>
        <source>mounts</source>
        <translation>hängt ein</translation>
    </message>
    <message>
        <source>mounts, degraded</source>
        <translation>hängt ein, eingeschränkt</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>The kernel says</source>
        <translation>Der Kernel meldet</translation>
    </message>
    <message>
        <source>Fix</source>
        <translation>Abhilfe</translation>
    </message>
    <message>
        <source> (seen in the try-mount)</source>
        <translation> (beim Probe-Einhängen gesehen)</translation>
    </message>
    <message>
        <source> (not in the try-mount)</source>
        <translation> (nicht beim Probe-Einhängen gesehen)</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>angenommen</translation>
    </message>
    <message>
        <source>The kernel says: %1
Fix: %2</source>
        <translation>Der Kernel meldet: %1
Abhilfe: %2</translation>
    </message>
    <message>
        <source>No try-mount: %1</source>
        <translation>Kein Probe-Einhängen: %1</translation>
    </message>
    <message>
        <source>Try-mount in a private namespace: the kernel mounted it.</source>
        <translation>Probe-Einhängen in einem privaten Namensraum: Der Kernel hat eingehängt.</translation>
    </message>
    <message>
        <source>Try-mount in a private namespace: the kernel refused it at %1 (%2).</source>
        <translation>Probe-Einhängen in einem privaten Namensraum: Der Kernel hat bei %1 abgelehnt (%2).</translation>
    </message>
</context>
</TS>
