# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for stratactl. The commands and each command's options are read
# from `stratactl --help` and `stratactl COMMAND --help`, so they never go stale.
_stratactl_commands()
{
    stratactl --help 2>/dev/null | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\).*/\1/p'
}

_stratactl()
{
    local cur prev words cword
    _init_completion || return

    if ((cword == 1)); then
        COMPREPLY=($(compgen -W "$(_stratactl_commands) --help --version" -- "$cur"))
        return
    fi
    local cmd=${words[1]}
    case $prev in
        --lower | --upper | --work | --data)
            _filedir -d
            return
            ;;
        --backend)
            COMPREPLY=($(compgen -W "kernel fuse" -- "$cur"))
            return
            ;;
        --xattr-namespace)
            COMPREPLY=($(compgen -W "user trusted" -- "$cur"))
            return
            ;;
        --depth | --layer | --top | --name | -o | --option)
            return
            ;;
    esac
    if [[ $cur == -* ]]; then
        local opts
        opts=$(stratactl "$cmd" --help 2>/dev/null | grep -oE -- '--[a-z][a-z-]*' | sort -u)
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    case $cmd in
        demo | mount | umount) _filedir -d ;;
        *) _filedir ;;
    esac
}
complete -F _stratactl stratactl
