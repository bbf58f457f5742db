# Staff sign-in with OpenID Connect: links between Burgh accounts and identity provider subjects.

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('identity', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='OidcIdentity',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('version', models.PositiveIntegerField(default=1)),
                ('issuer', models.CharField(max_length=500)),
                ('subject', models.CharField(max_length=255)),
                ('linked_email', models.EmailField(max_length=254)),
                ('last_signed_in_at', models.DateTimeField(blank=True, null=True)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='oidc_identities', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'identity provider link',
                'ordering': ['-created_at'],
                'constraints': [
                    models.UniqueConstraint(fields=('issuer', 'subject'), name='oidc_subject_once'),
                    models.UniqueConstraint(fields=('user', 'issuer'), name='oidc_one_link_per_issuer'),
                ],
            },
        ),
    ]
