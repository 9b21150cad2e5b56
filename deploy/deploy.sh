#!/usr/bin/env bash
# Publish the built site to a static web server: upload it as a new release folder, then switch the `current`
# symlink to it with one rename, so visitors see the old site or the new one, never a half-copied one.
#
#   deploy/deploy.sh [--keep N] [--release NAME] SITE DEST     upload SITE as a new release, switch, prune
#   deploy/deploy.sh --switch-to NAME DEST                      roll back: point `current` at a kept release
#
#   SITE    the built site (public/); it must hold index.html.
#   DEST    the site's folder on the server, as user@host:/srv/registry (rsync over SSH), or a local folder.
#           The web server serves DEST/current (nginx: `root /srv/registry/current;`).
#   --keep N        releases kept after a switch, the live one always among them (default 5).
#   --release NAME  the new release's name: a UTC time stamp YYYYMMDDTHHMMSSZ, optionally followed by -LABEL
#                   (letters, digits, . _ -); default: now. Names sort in the order releases were made.
#   DEPLOY_SSH      the ssh command for rsync and the server steps (default `ssh`), e.g. `ssh -i KEY -p 2222`.
#
# On the server (a POSIX sh, GNU coreutils for `mv -T`, rsync):
#   DEST/releases/NAME/           one folder per upload; a file unchanged since the live release is a hard link to it
#   DEST/releases/NAME.partial/   an upload under way (renamed to NAME once complete; removed if it fails)
#   DEST/current -> releases/NAME the live site
# A failed upload leaves `current` and every release as they were, and the script exits 1.
#
# The server steps are written in single quotes on purpose: they expand on the server, with their own $1.
# shellcheck disable=SC2016
set -euo pipefail

keep=5
release=""
switch_to=""
usage() {
  echo "用法 / usage: deploy/deploy.sh [--keep N] [--release NAME] SITE DEST | deploy/deploy.sh --switch-to NAME DEST" >&2
  exit 2
}
fail() {  # fail CODE CHINESE ENGLISH [HINT]: one message in both languages, then exit
  local code=$1
  echo "deploy: $2 / $3${4:+ — $4}" >&2
  exit "$code"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --keep) keep=${2:-}; shift 2 || usage ;;
    --release) release=${2:-}; shift 2 || usage ;;
    --switch-to) switch_to=${2:-}; shift 2 || usage ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) usage ;;
    *) break ;;
  esac
done
if [ -n "$switch_to" ]; then [ $# -eq 1 ] || usage; site=""; dest=$1
else [ $# -eq 2 ] || usage; site=$1; dest=$2; fi

# Names and paths travel through ssh's command line unquoted, so they may hold only plain characters.
plain='^[A-Za-z0-9._/~-]+$'
name_rule='^[0-9]{8}T[0-9]{6}Z(-[A-Za-z0-9._-]+)?$'
[[ $keep =~ ^[1-9][0-9]*$ ]] || fail 2 "--keep 应为正整数" "--keep must be a positive whole number" "e.g. --keep 5"
if [[ $dest =~ ^([A-Za-z0-9._@-]+):(.+)$ ]]; then host=${BASH_REMATCH[1]}; dir=${BASH_REMATCH[2]}
else host=""; dir=$dest; fi
[[ $dir =~ $plain ]] || fail 2 "目标路径含有特殊字符：$dir" "the destination path has special characters: $dir" \
  "use letters, digits and . _ / - only"
read -r -a ssh_cmd <<<"${DEPLOY_SSH:-ssh}"

on_server() {  # on_server SCRIPT ARGS…: run the POSIX sh SCRIPT in DEST with ARGS as $1…, over SSH or here
  local script="set -e
    cd \"\$1\" 2>/dev/null || { echo \"deploy: 目标文件夹不存在 / no such folder: \$1 — create it first\" >&2; exit 1; }
    shift
    $1"
  shift
  if [ -n "$host" ]; then
    "${ssh_cmd[@]}" "$host" sh -s -- "$dir" "$@" <<<"$script"
  else
    sh -s -- "$dir" "$@" <<<"$script"
  fi
}

switch() {  # switch NAME: point DEST/current at releases/NAME with rename(2), which replaces the old link atomically
  on_server '
    [ -d "releases/$1" ] || { echo "deploy: 没有这个版本 / no such release: releases/$1" >&2; exit 1; }
    rm -f .current.new
    ln -s "releases/$1" .current.new
    mv -T .current.new current' "$1"
}

if [ -n "$switch_to" ]; then
  [[ $switch_to =~ $name_rule ]] || fail 2 "版本名不合格式：$switch_to" "not a release name: $switch_to" "see releases/ on the server"
  switch "$switch_to"
  echo "已切换 / switched: current -> releases/$switch_to"
  exit 0
fi

[ -f "$site/index.html" ] || fail 2 "$site 中没有 index.html，不是构建好的网站" "$site has no index.html: not a built site" \
  "run python build.py first"
release=${release:-$(date -u +%Y%m%dT%H%M%SZ)}
[[ $release =~ $name_rule ]] || fail 2 "版本名不合格式：$release" "not a release name: $release" \
  "YYYYMMDDTHHMMSSZ, optionally followed by -LABEL"

# 1. Prepare: the releases folder, the live release (hard links are made against it), and a name not yet taken.
live=$(on_server '
  mkdir -p releases
  if [ -e "releases/$1" ] || [ -e "releases/$1.partial" ]; then
    echo "deploy: 版本已存在 / release exists: releases/$1 — give another --release" >&2; exit 1
  fi
  if [ -L current ]; then readlink current
  elif [ -e current ]; then
    echo "deploy: current 不是符号链接 / current is not a symlink — move the site into releases/ first (README)" >&2
    exit 1
  fi' "$release")
live=${live##*/}

# 2. Upload into NAME.partial. --checksum: a file whose content is unchanged since the live release becomes a hard
#    link to it (nothing sent, no space taken), whatever its time stamp. Permissions fixed for the web server.
link_dest=()
if [ -n "$live" ]; then link_dest=(--link-dest="../$live"); fi
remote="$dir/releases/$release.partial/"
if [ -n "$host" ]; then remote="$host:$remote"; fi
if ! rsync --recursive --checksum --perms --chmod=D755,F644 "${link_dest[@]}" -e "${DEPLOY_SSH:-ssh}" \
     "$site/" "$remote"; then
  on_server 'rm -rf "releases/$1.partial"' "$release" || true
  fail 1 "上传失败，线上网站未改动" "upload failed; the live site is unchanged" "see rsync's message above, then run again"
fi
on_server 'mv "releases/$1.partial" "releases/$1"' "$release"

# 3. Switch: from here on visitors get the new release.
switch "$release"

# 4. Prune: keep the newest N releases and the live one; drop uploads left half done by runs that died.
on_server '
  live=$(readlink current); live=${live##*/}
  for partial in releases/*.partial; do [ -e "$partial" ] && rm -rf "$partial"; done
  ls releases | sort -r | tail -n +$(($1 + 1)) | while read -r old; do
    [ "$old" = "$live" ] || rm -rf "releases/$old"
  done' "$keep"

echo "已发布 / published: $dest/current -> releases/$release (kept: the newest $keep releases)"
