"""places since 2025: official commune codes and areas of origin; unmapped places for a manager

Every stored place (producers, markets, growing areas, order addresses) moves from the hand-made
pre-2025 district + commune to the official commune/ward code of today (``vietnam-provinces``),
and producers, markets and growing areas keep their former district as an area of origin. The
old-to-new table is frozen in ``migrations/data/places_0021.json``; a former commune it cannot
decide (split between new communes, or gone before 2025), or an address typed in another
province whose commune name matches no single commune of today, is left without a code and
listed in ``place_reviews`` for a manager. Nothing is guessed.

Revision ID: 0021_places
Revises: 0020_helper_supervisions
Create Date: 2026-12-07 11:55:00.000000

"""

import json
import re
import unicodedata
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from vietnam_provinces import Province, Ward

from migrations.sqlite_rebuilds import foreign_keys_off

# revision identifiers, used by Alembic.
revision = '0021_places'
down_revision = '0020_helper_supervisions'
branch_labels = None
depends_on = None

MAPPING = json.loads(
    (Path(__file__).parents[1] / 'data' / 'places_0021.json').read_text(encoding='utf-8')
)
HOME = '08'
PLACED = ('producers', 'markets', 'growing_areas')
KIND = re.compile(r'^(xã|phường|thị trấn|đặc khu|thành phố|tỉnh|tp\.?)\s+', re.IGNORECASE)


def _fold(text):
    text = unicodedata.normalize('NFC', text or '').strip()
    text = KIND.sub('', text, count=1).replace('đ', 'd').replace('Đ', 'D')
    text = ''.join(
        ch for ch in unicodedata.normalize('NFD', text.lower()) if not unicodedata.combining(ch)
    )
    return ' '.join(re.sub(r'[^a-z0-9]+', ' ', text).split())


def _entries():
    return {(e['district'], e['commune']): e for e in MAPPING['communes']}


def _district_names():
    return {e['district']: e['district_name'] for e in MAPPING['communes']}


def _district_areas():
    return {e['district']: e['area'] for e in MAPPING['communes']}


def _province_names():
    return {f"{int(p.code):02d}": unicodedata.normalize('NFC', p.name) for p in Province.iter_all()}


def _ward_names():
    return {f"{int(w.code):05d}": unicodedata.normalize('NFC', w.name) for w in Ward.iter_all()}


def _wards_by_name(province_code):
    found = {}
    for ward in Ward.iter_all():
        if f"{int(ward.province_code):02d}" == province_code:
            found.setdefault(_fold(ward.name), []).append(f"{int(ward.code):05d}")
    return found


def _review_table():
    return sa.table(
        'place_reviews',
        sa.column('record_table', sa.String),
        sa.column('record_id', sa.Integer),
        sa.column('former_province', sa.String),
        sa.column('former_district', sa.String),
        sa.column('former_commune', sa.String),
        sa.column('former_district_code', sa.String),
        sa.column('former_commune_code', sa.String),
        sa.column('province_code', sa.String),
        sa.column('candidates', sa.String),
        sa.column('reason', sa.String),
        sa.column('created_at', sa.DateTime),
    )


def upgrade():
    with foreign_keys_off():
        op.create_table(
            'place_reviews',
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('record_table', sa.String(length=20), nullable=False),
            sa.Column('record_id', sa.Integer(), nullable=False),
            sa.Column('former_province', sa.String(length=60), nullable=False),
            sa.Column('former_district', sa.String(length=120), nullable=False),
            sa.Column('former_commune', sa.String(length=120), nullable=False),
            sa.Column('former_district_code', sa.String(length=3), nullable=True),
            sa.Column('former_commune_code', sa.String(length=60), nullable=True),
            sa.Column('province_code', sa.String(length=2), nullable=True),
            sa.Column('candidates', sa.String(length=200), nullable=False),
            sa.Column('reason', sa.String(length=200), nullable=False),
            sa.Column('created_at', sa.DateTime(), nullable=False),
            sa.Column('resolved_code', sa.String(length=5), nullable=True),
            sa.Column('resolved_at', sa.DateTime(), nullable=True),
            sa.Column('resolved_by_id', sa.Integer(), nullable=True),
            sa.ForeignKeyConstraint(
                ['resolved_by_id'], ['users.id'],
                name=op.f('fk_place_reviews_resolved_by_id_users'), ondelete='SET NULL',
            ),
            sa.PrimaryKeyConstraint('id', name=op.f('pk_place_reviews')),
            sa.UniqueConstraint(
                'record_table', 'record_id', name=op.f('uq_place_reviews_record_table_record_id')
            ),
        )
        with op.batch_alter_table('place_reviews', schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f('ix_place_reviews_resolved_at'), ['resolved_at'], unique=False
            )
        for table in (*PLACED, 'orders'):
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.add_column(sa.Column('new_commune_code', sa.String(length=5)))
                if table != 'orders':
                    batch_op.add_column(sa.Column('area_slug', sa.String(length=40)))

        _search_rows_with_places()
        bind = op.get_bind()
        for table in PLACED:
            _map_places(bind, table)
        _map_orders(bind)

        with op.batch_alter_table('producers', schema=None) as batch_op:
            batch_op.drop_index(batch_op.f('ix_producers_district_code'))
        with op.batch_alter_table('markets', schema=None) as batch_op:
            batch_op.drop_index(batch_op.f('ix_markets_district_code'))
            batch_op.drop_constraint(batch_op.f('uq_markets_district_code_name'), type_='unique')
        for table in (*PLACED, 'orders'):
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.drop_column('district_code')
                batch_op.drop_column('commune_code')
                if table == 'orders':
                    batch_op.drop_column('district_name')
                batch_op.alter_column(
                    'new_commune_code', new_column_name='commune_code',
                    existing_type=sa.String(length=5),
                )
        for table in (*PLACED, 'orders'):
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.create_index(
                    batch_op.f(f'ix_{table}_commune_code'), ['commune_code'], unique=False
                )
                if table != 'orders':
                    batch_op.create_index(
                        batch_op.f(f'ix_{table}_area_slug'), ['area_slug'], unique=False
                    )
                if table == 'markets':
                    batch_op.create_unique_constraint(
                        batch_op.f('uq_markets_commune_code_name'), ['commune_code', 'name']
                    )


def _search_rows_with_places():
    """Search rows are derived data: emptied, with no feed position, so the first sync rebuilds
    them from the catalog with the area and commune to filter and count by."""
    op.execute('DELETE FROM search_documents')
    op.execute('DELETE FROM search_positions')
    op.drop_index('ix_search_documents_values', table_name='search_documents')
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_column('district_code')
        batch_op.add_column(sa.Column('area_slug', sa.String(length=40), nullable=False))
        batch_op.add_column(sa.Column('commune_code', sa.String(length=5), nullable=False))
    op.create_index('ix_search_documents_values', 'search_documents', _values('area_slug', 'commune_code'), unique=False)


def _search_rows_with_districts():
    op.execute('DELETE FROM search_documents')
    op.execute('DELETE FROM search_positions')
    op.drop_index('ix_search_documents_values', table_name='search_documents')
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_column('area_slug')
        batch_op.drop_column('commune_code')
        batch_op.add_column(sa.Column('district_code', sa.String(length=3), nullable=False))
    op.create_index('ix_search_documents_values', 'search_documents', _values('district_code'), unique=False)


def _values(*place):
    """The columns of the index a PostgreSQL search reads its values from (0018), places in
    the second position."""
    return ['group_id', *place, 'stars', 'price_band', 'in_stock', 'category_id', 'price',
            'cert_codes', 'created_at', 'product_id']


def _review(bind, **values):
    values.setdefault('former_province', '')
    values.setdefault('province_code', None)
    values.setdefault('candidates', '')
    bind.execute(
        sa.insert(_review_table()).values(created_at=sa.func.current_timestamp(), **values)
    )


def _map_places(bind, table):
    """Producers, markets, growing areas: old district + commune → official code and area."""
    entries, areas, districts = _entries(), _district_areas(), _district_names()
    rows = bind.execute(sa.text(f'SELECT id, district_code, commune_code FROM {table}')).all()
    updates = []
    for row_id, district, commune in rows:
        entry = entries.get((district, commune))
        code = entry.get('code') if entry else None
        updates.append({'row_id': row_id, 'code': code, 'area': areas.get(district)})
        if code is None:
            _review(
                bind,
                record_table=table,
                record_id=row_id,
                former_province='Tuyên Quang',
                former_district=districts.get(district, district or ''),
                former_commune=entry['commune_name'] if entry else (commune or ''),
                former_district_code=district,
                former_commune_code=commune,
                province_code=HOME,
                candidates=','.join(entry['candidates']) if entry else '',
                reason=entry['note'] if entry else 'not in the pre-2025 place list',
            )
    if updates:
        bind.execute(
            sa.text(
                f'UPDATE {table} SET new_commune_code = :code, area_slug = :area WHERE id = :row_id'
            ),
            updates,
        )


def _map_orders(bind):
    """Order addresses: the home province by code, other provinces by commune name."""
    entries, districts = _entries(), _district_names()
    new_province = {p['code']: p['new_code'] for p in MAPPING['provinces']}
    provinces, wards = _province_names(), _ward_names()
    by_name = {}
    rows = bind.execute(
        sa.text(
            'SELECT id, province_code, province_name, district_code, district_name, '
            'commune_code, commune_name FROM orders WHERE province_code IS NOT NULL'
        )
    ).all()
    updates = []
    for row_id, province, province_name, district, district_name, commune, commune_name in rows:
        target = new_province.get(province, province if province in provinces else None)
        code, candidates, reason = None, [], ''
        if district is not None and province == HOME:
            entry = entries.get((district, commune))
            code = entry.get('code') if entry else None
            candidates = entry.get('candidates', []) if entry else []
            reason = entry.get('note', '') if entry else 'not in the pre-2025 place list'
            district_name = districts.get(district, district_name)
        elif target is not None:
            if target not in by_name:
                by_name[target] = _wards_by_name(target)
            candidates = by_name[target].get(_fold(commune_name), [])
            code = candidates[0] if len(candidates) == 1 else None
            reason = (
                'several communes of today have this name' if candidates
                else 'no commune of today has this name'
            )
        else:
            reason = 'unknown province'
        updates.append({
            'row_id': row_id,
            'code': code,
            'province': target or province,
            'province_name': provinces.get(target, province_name),
            'commune_name': wards[code] if code else commune_name,
        })
        if code is None:
            _review(
                bind,
                record_table='orders',
                record_id=row_id,
                former_province=province_name,
                former_district=district_name or '',
                former_commune=commune_name or '',
                former_district_code=district,
                former_commune_code=commune,
                province_code=target,
                candidates=','.join(candidates),
                reason=reason,
            )
    if updates:
        bind.execute(
            sa.text(
                'UPDATE orders SET new_commune_code = :code, province_code = :province, '
                'province_name = :province_name, commune_name = :commune_name WHERE id = :row_id'
            ),
            updates,
        )


def downgrade():
    with foreign_keys_off():
        for table in (*PLACED, 'orders'):
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.drop_index(batch_op.f(f'ix_{table}_commune_code'))
                if table != 'orders':
                    batch_op.drop_index(batch_op.f(f'ix_{table}_area_slug'))
                if table == 'markets':
                    batch_op.drop_constraint(
                        batch_op.f('uq_markets_commune_code_name'), type_='unique'
                    )
                batch_op.alter_column(
                    'commune_code', new_column_name='new_commune_code',
                    existing_type=sa.String(length=5),
                )
        for table in (*PLACED, 'orders'):
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.add_column(sa.Column('district_code', sa.String(length=3)))
                batch_op.add_column(sa.Column('commune_code', sa.String(length=60)))
                if table == 'orders':
                    batch_op.add_column(
                        sa.Column('district_name', sa.String(length=120), server_default='')
                    )
        bind = op.get_bind()
        _restore(bind)
        for table in PLACED:
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.alter_column(
                    'district_code', existing_type=sa.String(length=3), nullable=False
                )
                batch_op.alter_column(
                    'commune_code', existing_type=sa.String(length=60), nullable=False
                )
                batch_op.drop_column('new_commune_code')
                batch_op.drop_column('area_slug')
        with op.batch_alter_table('orders', schema=None) as batch_op:
            batch_op.alter_column(
                'district_name', existing_type=sa.String(length=120), server_default=None,
                existing_nullable=True, nullable=False,
            )
            batch_op.drop_column('new_commune_code')
        with op.batch_alter_table('producers', schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f('ix_producers_district_code'), ['district_code'], unique=False
            )
        with op.batch_alter_table('markets', schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f('ix_markets_district_code'), ['district_code'], unique=False
            )
            batch_op.create_unique_constraint(
                batch_op.f('uq_markets_district_code_name'), ['district_code', 'name']
            )
        op.drop_table('place_reviews')
        _search_rows_with_districts()


def _restore(bind):
    """Back to a pre-2025 district + commune: the one a review kept, else the first former
    commune of the same area that became this commune (lossy where communes were merged)."""
    reviews = {
        (table, row_id): (district, commune)
        for table, row_id, district, commune in bind.execute(
            sa.text(
                'SELECT record_table, record_id, former_district_code, former_commune_code '
                'FROM place_reviews'
            )
        )
    }
    by_area, by_code, area_district = {}, {}, {}
    for entry in MAPPING['communes']:
        area_district.setdefault(entry['area'], entry['district'])
        if entry.get('code'):
            old = (entry['district'], entry['commune'])
            by_area.setdefault((entry['area'], entry['code']), old)
            by_code.setdefault(entry['code'], old)
    for table in PLACED:
        rows = bind.execute(sa.text(f'SELECT id, new_commune_code, area_slug FROM {table}')).all()
        updates = []
        for row_id, code, area in rows:
            old = reviews.get((table, row_id)) or by_area.get((area, code)) or by_code.get(code)
            district, commune = old or (area_district.get(area, '070'), '')
            updates.append({'row_id': row_id, 'district': district or '070', 'commune': commune or ''})
        if updates:
            bind.execute(
                sa.text(
                    f'UPDATE {table} SET district_code = :district, commune_code = :commune '
                    'WHERE id = :row_id'
                ),
                updates,
            )
    districts = _district_names()
    rows = bind.execute(
        sa.text('SELECT id, province_code, new_commune_code FROM orders')
    ).all()
    updates = []
    for row_id, province, code in rows:
        old = reviews.get(('orders', row_id))
        if old is None and province == HOME:
            old = by_code.get(code)
        district, commune = old or (None, None)
        updates.append({
            'row_id': row_id,
            'district': district,
            'district_name': districts.get(district, '') if district else '',
            'commune': commune,
        })
    if updates:
        bind.execute(
            sa.text(
                'UPDATE orders SET district_code = :district, district_name = :district_name, '
                'commune_code = :commune WHERE id = :row_id'
            ),
            updates,
        )
