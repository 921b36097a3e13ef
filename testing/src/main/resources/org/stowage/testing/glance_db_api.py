"""Glance's own database API (Debian's glance-common) on the database of a glance.conf.

usage: python3 glance_db_api.py GLANCE_CONF, then one request a line on stdin,
{"command": "create"|"read", "request": ...}, one reply a line on stdout, {"ok": reply} or
{"failed": traceback}. Glance is imported once for all the requests of a test class.

create: [{"id": ..., "locations": [{"url": ..., "metadata": {...}}]}] -> {} (images added as
        Glance adds them: glance.db.sqlalchemy.api.image_create); optional per image: "status",
        "size", "checksum", "os_hash_algo", "os_hash_value", "properties" ({name: value})
read:   ["image id", ...] -> {"<id>": {"error": "..."} or {"updated_at": iso, "locations": [{"id", "url",
        "metadata_json", "status"}], "stores": "a,b" or null, "rows": [{"id", "updated_at", "meta_data",
        "glance_dumps"}]}}
        where "locations" is what Glance's image_get returns, "stores" what Glance's image API
        shows as the image's stores (computed from those locations as glance/api/v2/images.py
        does), "rows" the non-deleted location rows as Glance's model reads them, "meta_data" the
        stored text and "glance_dumps" the text Glance itself would write for the same metadata.
read_deleted: as read, with image_get(force_show_deleted=True): deleted images and removed
        (deleted) location rows too, each location with its status.
location_add: {"image_id", "url", "metadata", "status"} -> {} (image_location_add)
location_delete: {"image_id", "location_id", "status"} -> {} (image_location_delete)
update: {"image_id", "values": {...}, "purge_props": false} -> {} (image_update, e.g. {"status": "saving"};
        with "purge_props" true, properties not in values' "properties" are deleted, as Glance's
        image repository saves an image; "show_deleted" true: of a deleted image, as the scrubber does)
destroy: {"image_id", "status"} -> {} (the image's status set as given, "deleted" or
        "pending_delete", then image_destroy, as Glance deletes an image; with delayed delete its
        location rows are first marked pending_delete as glance.common.store_utils does)
task_create: {"id", "image_id", "status", "type"} -> {} (task_create, as an import task)
task_update: {"id", "status"} -> {} (task_update, e.g. {"status": "success"} when the task ends)
read also answers each image's "status", "size", "checksum", "os_hash_algo", "os_hash_value".
"""
import json
import sys
import traceback

from oslo_config import cfg

cfg.CONF(['--config-file', sys.argv[1]], project='glance')

from glance import context  # noqa: E402
from glance.db.sqlalchemy import api, models  # noqa: E402
from oslo_serialization import jsonutils  # noqa: E402
import sqlalchemy  # noqa: E402

CTX = context.get_admin_context()


def create(images):
    for img in images:
        values = {
            'id': img['id'], 'name': img['id'], 'status': img.get('status', 'active'), 'visibility': 'public',
            'min_disk': 0, 'min_ram': 0, 'disk_format': 'raw', 'container_format': 'bare',
            'size': img.get('size', 1),
            'locations': [{'url': loc['url'], 'metadata': loc['metadata'], 'status': 'active'}
                          for loc in img['locations']]}
        for key in ('checksum', 'os_hash_algo', 'os_hash_value'):
            if key in img:
                values[key] = img[key]
        if 'properties' in img:
            values['properties'] = img['properties']
        api.image_create(CTX, values)
    return {}


def iso(t):
    return None if t is None else t.isoformat()


def rows(image_id):
    session = api.get_session()
    out = []
    try:
        for r in (session.query(models.ImageLocation)
                  .filter_by(image_id=image_id, deleted=False)
                  .order_by(models.ImageLocation.id)):
            raw = session.execute(sqlalchemy.text('SELECT meta_data FROM image_locations WHERE id = :id'),
                                  {'id': r.id}).scalar()
            out.append({'id': r.id, 'updated_at': iso(r.updated_at), 'meta_data': raw,
                        'glance_dumps': None if raw is None else jsonutils.dumps(json.loads(raw))})
    finally:
        session.close()  # the test writes to the database between requests
    return out


def stores(locations):
    """The image's stores as glance/api/v2/images.py computes them for the API."""
    found = [loc['metadata'].get('store') for loc in locations]
    found = [s for s in found if s]
    return ','.join(found) if found else None


def read(ids, show_deleted=False):
    out = {}
    for image_id in ids:
        try:
            img = api.image_get(CTX, image_id, force_show_deleted=show_deleted)
            out[image_id] = {
                'updated_at': iso(img['updated_at']),
                'locations': [{'id': loc['id'], 'url': loc['url'],
                               'metadata_json': jsonutils.dumps(loc['metadata']),
                               'status': loc['status']} for loc in img['locations']],
                'stores': stores(img['locations']),
                'status': img['status'], 'size': img['size'], 'checksum': img['checksum'],
                'os_hash_algo': img['os_hash_algo'], 'os_hash_value': img['os_hash_value'],
                'rows': rows(image_id)}
        except Exception as e:  # what Glance would fail with, reported to the test
            out[image_id] = {'error': '%s: %s' % (type(e).__name__, e)}
    return out


def read_deleted(ids):
    return read(ids, show_deleted=True)


def location_add(request):
    api.image_location_add(CTX, request['image_id'], {
        'url': request['url'], 'metadata': request['metadata'], 'status': request['status']})
    return {}


def location_delete(request):
    api.image_location_delete(CTX, request['image_id'], request['location_id'], request['status'])
    return {}


def update(request):
    ctx = context.get_admin_context(show_deleted=True) if request.get('show_deleted') else CTX
    api.image_update(ctx, request['image_id'], request['values'], purge_props=request.get('purge_props', False))
    return {}


def destroy(request):
    status = request.get('status', 'deleted')
    if status == 'pending_delete':
        for loc in api.image_get(CTX, request['image_id'])['locations']:
            api.image_location_update(CTX, request['image_id'],
                                      {'id': loc['id'], 'url': loc['url'], 'metadata': loc['metadata'],
                                       'status': 'pending_delete'})
    api.image_update(CTX, request['image_id'], {'status': status}, purge_props=True)
    api.image_destroy(CTX, request['image_id'])
    return {}


def task_create(request):
    api.task_create(CTX, {'id': request['id'], 'image_id': request['image_id'], 'status': request['status'],
                          'type': request.get('type', 'api_image_import'), 'owner': 'stowage-test',
                          'input': {'image_id': request['image_id']}})
    return {}


def task_update(request):
    api.task_update(CTX, request['id'], {'status': request['status']})
    return {}


COMMANDS = {'create': create, 'read': read, 'read_deleted': read_deleted, 'location_add': location_add,
            'location_delete': location_delete, 'update': update, 'destroy': destroy, 'task_create': task_create,
            'task_update': task_update}

for line in sys.stdin:
    message = json.loads(line)
    try:
        reply = {'ok': COMMANDS[message['command']](message['request'])}
    except Exception:
        reply = {'failed': traceback.format_exc()}
    sys.stdout.write(json.dumps(reply) + '\n')
    sys.stdout.flush()
